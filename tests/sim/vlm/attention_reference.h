#pragma once
// A materialised softmax attention in long double, and a check of an attention function against
// it with a derived float32 bound: the host model's fused and blocked attentions
// (attention_test.cpp) and the device backend's per-row kernel (vlm_device_parity.inc) take the
// same cases; and a comparison of two attentions within the sum of their bounds.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "sim/vlm/attention.h"
#include "vlm_fixture.h"

namespace hopelab::vlm_test {

using LD = long double;

constexpr double kU = std::numeric_limits<float>::epsilon() / 2;  // float unit roundoff 2^-24

struct Case {
  int heads, kv_heads, d;
  std::int64_t queries, keys, offset;
  AttentionMask mask;
};

struct Data {
  std::vector<float> q, k, v;
};

inline Data random_data(const Case& c, std::uint64_t seed) {
  Data x;
  for (std::int64_t i = 0; i < c.queries * c.heads * c.d; ++i) x.q.push_back(static_cast<float>(1.5 * normal(seed, 0, static_cast<std::uint64_t>(i))));
  for (std::int64_t i = 0; i < c.keys * c.kv_heads * c.d; ++i) {
    x.k.push_back(static_cast<float>(1.5 * normal(seed, 1, static_cast<std::uint64_t>(i))));
    x.v.push_back(static_cast<float>(normal(seed, 2, static_cast<std::uint64_t>(i))));
  }
  return x;
}

inline bool visible(const Case& c, std::int64_t i, std::int64_t j) {
  return c.mask == AttentionMask::full || j <= c.offset + i;
}

// Reference softmax weights p[i][h][j] in long double, and the bound inputs per row.
inline std::vector<LD> reference_weights(const Case& c, const Data& x, std::int64_t i, int h, double* abs_score_sum,
                                  double* max_score) {
  const int g = h / (c.heads / c.kv_heads);
  std::vector<LD> p(static_cast<std::size_t>(c.keys), 0.0L);
  LD mx = -INFINITY;
  for (std::int64_t j = 0; j < c.keys; ++j) {
    if (!visible(c, i, j)) continue;
    LD s = 0, a = 0;
    for (int e = 0; e < c.d; ++e) {
      const LD prod = static_cast<LD>(x.q[static_cast<std::size_t>((i * c.heads + h) * c.d + e)]) *
                      x.k[static_cast<std::size_t>((j * c.kv_heads + g) * c.d + e)];
      s += prod;
      a += fabsl(prod);
    }
    s /= sqrtl(static_cast<LD>(c.d));
    *abs_score_sum = std::max(*abs_score_sum, static_cast<double>(a / sqrtl(static_cast<LD>(c.d))));
    *max_score = std::max(*max_score, static_cast<double>(fabsl(s)));
    p[static_cast<std::size_t>(j)] = s;
    mx = std::max(mx, s);
  }
  LD z = 0;
  for (std::int64_t j = 0; j < c.keys; ++j) {
    LD& e = p[static_cast<std::size_t>(j)];
    e = visible(c, i, j) ? expl(e - mx) : 0.0L;
    z += e;
  }
  for (LD& e : p) e /= z;
  return p;
}

inline AttentionArgs args_of(const Case& c, Data* x, float* out) {
  AttentionArgs a;
  a.q = x->q.data();
  a.q_stride = c.heads * c.d;
  a.k = x->k.data();
  a.v = x->v.data();
  a.kv_stride = c.kv_heads * c.d;
  a.queries = c.queries;
  a.keys = c.keys;
  a.query_offset = c.offset;
  a.mask = c.mask;
  a.out = out;
  a.out_stride = c.heads * c.d;
  return a;
}

// The float32 error bound of one output row (query i, head h) against exact arithmetic, from
// the row's reference inputs (reference_weights). rescales: how many times a row's running max
// may be raised and its accumulator rescaled (one per key block or tile for the blocked and
// fused attentions, up to one per key for the per-row kernel).
inline double attention_tolerance(const Case& c, double vmax, double abs_sum, double smax, double rescales) {
  // Float rounding, first order: a score's dot of d terms and the scaling err by at most
  // (d+1) u sum|q k|/sqrt(d), moving a weight by twice that relative; exp(s - m) adds
  // 4u + 2u |s - m| <= 4u + 4u max|s|; the rescales 4u each; Z and the sum of p v
  // accumulate over at most L terms: 2 L u. Times max|v|.
  return vmax * kU * (2.0 * (c.d + 1) * abs_sum + 4.0 + 4.0 * smax + 4.0 * rescales + 2.0 * static_cast<double>(c.keys));
}

// Checks attend(shape, args) on random data of case c against the long double softmax.
template <typename Attend>
void check_attention(const Attend& attend, const Case& c, double rescales) {
  Data x = random_data(c, static_cast<std::uint64_t>(c.keys * 7 + c.queries));
  std::vector<float> out(static_cast<std::size_t>(c.queries * c.heads * c.d), NAN);
  attend(AttentionShape{c.heads, c.kv_heads, c.d}, args_of(c, &x, out.data()));
  const double vmax = vlm_test::max_abs(x.v);
  for (std::int64_t i = 0; i < c.queries; ++i) {
    for (int h = 0; h < c.heads; ++h) {
      double abs_sum = 0.0, smax = 0.0;
      const std::vector<LD> p = reference_weights(c, x, i, h, &abs_sum, &smax);
      const int g = h / (c.heads / c.kv_heads);
      const double tol = attention_tolerance(c, vmax, abs_sum, smax, rescales);
      for (int e = 0; e < c.d; ++e) {
        LD expected = 0;
        for (std::int64_t j = 0; j < c.keys; ++j) {
          expected += p[static_cast<std::size_t>(j)] * x.v[static_cast<std::size_t>((j * c.kv_heads + g) * c.d + e)];
        }
        const double actual = out[static_cast<std::size_t>((i * c.heads + h) * c.d + e)];
        const double err = std::fabs(actual - static_cast<double>(expected));
        ASSERT_LE(err, tol) << "queries " << c.queries << " keys " << c.keys << " offset " << c.offset << " mask "
                            << (c.mask == AttentionMask::causal ? "causal" : "full") << ": query " << i << " head "
                            << h << " dim " << e << ": expected " << static_cast<double>(expected) << ", actual "
                            << actual << ", tolerance " << tol;
      }
    }
  }
}

// Runs two attentions on the same random data of case c and returns the worst difference: each
// is within attention_tolerance of the exact value, so they differ by at most the sum of their
// bounds (rescales_a, rescales_b).
template <typename AttendA, typename AttendB>
test::WorstElement compare_attentions(const AttendA& attend_a, double rescales_a, const AttendB& attend_b,
                                      double rescales_b, const Case& c) {
  Data x = random_data(c, static_cast<std::uint64_t>(c.keys * 5 + c.queries * 3 + c.d));
  const auto size = static_cast<std::size_t>(c.queries * c.heads * c.d);
  std::vector<float> a(size, NAN), b(size, NAN);
  attend_a(AttentionShape{c.heads, c.kv_heads, c.d}, args_of(c, &x, a.data()));
  attend_b(AttentionShape{c.heads, c.kv_heads, c.d}, args_of(c, &x, b.data()));
  const double vmax = vlm_test::max_abs(x.v);
  std::vector<double> tol(size);
  for (std::int64_t i = 0; i < c.queries; ++i) {
    for (int h = 0; h < c.heads; ++h) {
      double abs_sum = 0.0, smax = 0.0;
      reference_weights(c, x, i, h, &abs_sum, &smax);
      const double row = attention_tolerance(c, vmax, abs_sum, smax, rescales_a) +
                         attention_tolerance(c, vmax, abs_sum, smax, rescales_b);
      std::fill_n(tol.begin() + (i * c.heads + h) * c.d, c.d, row);
    }
  }
  return test::worst_element(b, a, [&](std::size_t k) { return tol[k]; });
}

}  // namespace hopelab::vlm_test
