// attention_backward (sim/train/attention_backward.h) against central differences of attention
// written here in long double (materialised softmax), causal GQA and full masks, strided rows;
// the float32 bound per element from the magnitudes of the terms summed into it; a twin (the
// softmax's D term dropped, a classic bug) must fail.

#include "sim/train/attention_backward.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "gradient_check.h"

namespace hopelab {
namespace {

using namespace train_test;  // gradient_check.h: numeric_gradient, compare, float_bounds, ...

struct Case {
  int heads, kv_heads, d;
  std::int64_t queries, keys, offset;
  AttentionMask mask;
};

// Softmax weights P_ij of query i, head h over its visible keys, long double.
Vec softmax_row(const Case& c, const AttentionArgs& a, const Vec& q, const Vec& k, int h, std::int64_t i) {
  const int g = h / (c.heads / c.kv_heads);
  const std::int64_t visible = c.mask == AttentionMask::causal ? std::min(c.keys, c.offset + i + 1) : c.keys;
  Vec p(static_cast<std::size_t>(visible));
  LD max = -1e300L, sum = 0;
  for (std::int64_t j = 0; j < visible; ++j) {
    LD dot = 0;
    for (int e = 0; e < c.d; ++e) dot += q[i * a.q_stride + h * c.d + e] * k[j * a.kv_stride + g * c.d + e];
    max = std::max(max, p[j] = dot / std::sqrt(static_cast<LD>(c.d)));  // q k_j / sqrt(d)
  }
  for (LD& x : p) sum += (x = std::exp(x - max));
  for (LD& x : p) x /= sum;
  return p;
}

// out = softmax(q k^T / sqrt(d) + mask) v, long double; strides as the arguments say.
Vec attend(const Case& c, const AttentionArgs& a, const Vec& q, const Vec& k, const Vec& v) {
  Vec out(static_cast<std::size_t>(c.queries * a.out_stride));
  for (int h = 0; h < c.heads; ++h) {
    const int g = h / (c.heads / c.kv_heads);
    for (std::int64_t i = 0; i < c.queries; ++i) {
      const Vec p = softmax_row(c, a, q, k, h, i);
      for (int e = 0; e < c.d; ++e) {
        LD o = 0;
        for (std::size_t j = 0; j < p.size(); ++j) o += p[j] * v[static_cast<std::int64_t>(j) * a.kv_stride + g * c.d + e];
        out[i * a.out_stride + h * c.d + e] = o;
      }
    }
  }
  return out;
}

// A generous float32 bound: every gradient element is a sum over keys (or queries) of products
// of O(1) terms through the softmax; M = sum of |terms| of the largest such sum times the output
// scale, N = keys + queries + d + 32 (scores, dP, D, exp and the products).
Vec magnitudes(const Vec& g, std::int64_t terms, LD scale) {
  Vec m(g.size());
  for (std::size_t i = 0; i < g.size(); ++i) m[i] = std::fabs(g[i]) + scale * static_cast<LD>(terms);
  return m;
}

void check(const Case& c, bool drop_d_term_twin) {
  AttentionArgs a;
  a.q_stride = c.heads * c.d + 3;
  a.kv_stride = c.kv_heads * c.d + 5;
  a.out_stride = c.heads * c.d + 1;
  a.queries = c.queries;
  a.keys = c.keys;
  a.query_offset = c.offset;
  a.mask = c.mask;
  const std::vector<float> q = randoms(c.queries * a.q_stride, 20), k = randoms(c.keys * a.kv_stride, 21);
  const std::vector<float> v = randoms(c.keys * a.kv_stride, 22), dout = randoms(c.queries * a.out_stride, 23);
  a.q = q.data();
  a.k = k.data();
  a.v = v.data();
  std::vector<float> dq(q.size()), dk(k.size()), dv(v.size());
  AttentionGradients g{dout.data(), dq.data(), dk.data(), dv.data()};
  attention_backward(AttentionShape{c.heads, c.kv_heads, c.d}, a, g);

  const Vec Q = widen(q), K = widen(k), V = widen(v), R = widen(dout);
  const Vec gq = numeric_gradient([&](const Vec& x) { return attend(c, a, x, K, V); }, Q, R);
  const Vec gk = numeric_gradient([&](const Vec& x) { return attend(c, a, Q, x, V); }, K, R);
  const Vec gv = numeric_gradient([&](const Vec& x) { return attend(c, a, Q, K, x); }, V, R);
  const double n = static_cast<double>(c.keys + c.queries + c.d + 32);
  // Terms are products of unit-scale draws (|q|, |k|, |v|, |dout| ~ 1) and weights <= 1: their
  // sum over the d-wide products of a score and the keys' or queries' softmax terms is at most
  // d (keys + queries) times a few units; 4 covers |x| up to ~2 per factor on average.
  const LD scale = 4.0L * c.d;
  const std::int64_t terms = c.keys + c.queries;
  const auto wq = compare(gq, dq, float_bounds(n, magnitudes(gq, terms, scale)));
  const auto wk = compare(gk, dk, float_bounds(n, magnitudes(gk, terms, scale)));
  const auto wv = compare(gv, dv, float_bounds(n, magnitudes(gv, terms, scale)));
  EXPECT_TRUE(wq.ok()) << "dq: " << wq.message();
  EXPECT_TRUE(wk.ok()) << "dk: " << wk.message();
  EXPECT_TRUE(wv.ok()) << "dv: " << wv.message();
  if (drop_d_term_twin) {
    // dS = P dP without - P D: dq = sum_j P_ij dP_ij k_j / sqrt(d), computed here; must fail.
    std::vector<float> wrong(q.size());
    for (int h = 0; h < c.heads; ++h) {
      const int kvh = h / (c.heads / c.kv_heads);
      for (std::int64_t i = 0; i < c.queries; ++i) {
        const Vec p = softmax_row(c, a, Q, K, h, i);
        const auto visible = static_cast<std::int64_t>(p.size());
        for (std::int64_t j = 0; j < visible; ++j) {
          LD dp = 0;
          for (int e = 0; e < c.d; ++e) dp += R[i * a.out_stride + h * c.d + e] * V[j * a.kv_stride + kvh * c.d + e];
          for (int e = 0; e < c.d; ++e) {
            wrong[i * a.q_stride + h * c.d + e] +=
                static_cast<float>(p[j] * dp * K[j * a.kv_stride + kvh * c.d + e] / std::sqrt(static_cast<LD>(c.d)));
          }
        }
      }
    }
    EXPECT_FALSE(compare(gq, wrong, float_bounds(n, magnitudes(gq, terms, scale))).ok());
  }
}

TEST(AttentionBackward, CausalGroupedQueryMatchesDifferences) {
  check(Case{4, 2, 8, 7, 7, 0, AttentionMask::causal}, true);
}

TEST(AttentionBackward, CausalWithCachedKeysMatchesDifferences) {
  check(Case{2, 1, 4, 3, 9, 6, AttentionMask::causal}, false);
}

TEST(AttentionBackward, FullMaskMatchesDifferences) {
  check(Case{2, 2, 8, 6, 6, 0, AttentionMask::full}, true);
}

TEST(AttentionBackward, QueryBlocksBeyondOneMatchDifferences) {
  check(Case{1, 1, 4, 70, 70, 0, AttentionMask::causal}, false);  // 70 > the 64-row query block
}

}  // namespace
}  // namespace hopelab
