// kernels/float_error.h against brute force: chains of float32 matrix-vector stages beside the
// same chains in double, every output's error under gamma_N M (M from the chain on absolute
// values); an adversarial chain whose every addition rounds up, which comes within 0.3% of the
// bound, so that the two smaller bounds of its twin (the longest stage alone, half the bound)
// are exceeded: the check can fail.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "kernels/float_error.h"

#include "../worst_element.h"

namespace hopelab {
namespace {

using Matrix = std::vector<std::vector<double>>;  // rows of one stage: (n_out, n_in)

// One chain: y = A_k ... A_1 x in float32 (products and running sums in float, left to right),
// in double, and on absolute values in double.
struct ChainResult {
  std::vector<double> in_float, in_double, magnitude;
};

ChainResult evaluate(const std::vector<Matrix>& stages, const std::vector<double>& x) {
  std::vector<float> f(x.begin(), x.end());
  std::vector<double> d = x, m(x.size());
  std::transform(x.begin(), x.end(), m.begin(), [](double v) { return std::fabs(v); });
  for (const Matrix& a : stages) {
    std::vector<float> f_next;
    std::vector<double> d_next, m_next;
    for (const std::vector<double>& row : a) {
      float fs = 0.0f;
      double ds = 0.0, ms = 0.0;
      for (std::size_t j = 0; j < row.size(); ++j) {
        fs += static_cast<float>(row[j]) * f[j];
        ds += row[j] * d[j];
        ms += std::fabs(row[j]) * m[j];
      }
      f_next.push_back(fs);
      d_next.push_back(ds);
      m_next.push_back(ms);
    }
    f = f_next;
    d = d_next;
    m = m_next;
  }
  return {std::vector<double>(f.begin(), f.end()), d, m};
}

// Every output: the float chain (actual) against the double chain (expected) within the bound.
test::WorstElement output_errors(const ChainResult& r, double error_count, double extra_relative) {
  return test::worst_element(r.in_double, r.in_float, [&](std::size_t i) {
    return float32_error_bound(error_count, r.magnitude[i]) + extra_relative * r.magnitude[i];
  });
}

// The double chain is itself within gamma_N(2^-53) M of exact (the same argument), so the float
// result lies within gamma_N(2^-24) M + gamma_N(2^-53) M of it; the double term is at most
// 2 N 2^-53 M for N < 2^50.
double double_term(double error_count) { return 2 * error_count * 0x1p-53; }

Matrix random_matrix(std::size_t rows, std::size_t cols, std::mt19937_64& rng) {
  std::normal_distribution<double> normal(0.0, 1.0 / std::sqrt(static_cast<double>(cols)));
  Matrix a(rows, std::vector<double>(cols));
  for (auto& row : a)
    for (double& v : row) v = static_cast<double>(static_cast<float>(normal(rng)));  // exact in float
  return a;
}

TEST(Float32ErrorBound, GammaIsNuOverOneMinusNu) {
  EXPECT_EQ(float32_gamma(0), 0.0);
  EXPECT_DOUBLE_EQ(float32_gamma(1000), 1000 * 0x1p-24 / (1 - 1000 * 0x1p-24));
  EXPECT_TRUE(std::isinf(float32_gamma(0x1p24)));
  EXPECT_DOUBLE_EQ(float32_error_bound(64, 3.0), 3.0 * float32_gamma(64));
}

TEST(Float32ErrorBound, CoversRandomChainsInFloat) {
  std::mt19937_64 rng(20260301);
  // (stage lengths): one GEMM row, a norm-free MLP-like pair, a long chain, a long inner product.
  const std::vector<std::vector<std::size_t>> shapes = {{64}, {256, 1024}, {128, 128, 128, 128}, {8192}};
  for (const auto& shape : shapes) {
    std::vector<Matrix> stages;
    std::size_t width = shape[0];
    std::vector<double> x(width);
    std::normal_distribution<double> normal(0.5, 1.0);  // a mean, so sums do not all cancel
    for (double& v : x) v = static_cast<double>(static_cast<float>(normal(rng)));
    double error_count = 0;
    for (std::size_t s = 0; s < shape.size(); ++s) {
      const std::size_t out = s + 1 < shape.size() ? shape[s + 1] : 16;
      stages.push_back(random_matrix(out, width, rng));
      error_count += static_cast<double>(width);
      width = out;
    }
    const ChainResult r = evaluate(stages, x);
    const test::WorstElement worst = output_errors(r, error_count, double_term(error_count));
    EXPECT_TRUE(worst.ok()) << "chain of " << shape.size() << " stages: " << worst.message();
  }
}

// x = (1, delta, ..., delta), delta = u (1 + 2^-10) just over half the float spacing 2u on
// [1, 2): stage 1 sums x (its first row; the others copy delta through, exactly), stage 2 sums
// the result. Every one of the 2(n - 1) additions of delta rounds up by 2u - delta, so the
// float result errs by 2(n - 1)(1 - 2^-10) u, against a bound gamma_2n M with M ~ 1: within 0.3%.
TEST(Float32ErrorBound, AdversarialChainNearlyAttainsItAndItsTwinsFail) {
  const std::size_t n = 1000;
  const double delta = 0x1p-24 * (1 + 0x1p-10);
  std::vector<double> x(n, delta);
  x[0] = 1.0;
  Matrix sum_first(n, std::vector<double>(n, 0.0));
  sum_first[0].assign(n, 1.0);
  for (std::size_t i = 1; i < n; ++i) sum_first[i][i] = 1.0;
  const Matrix sum_all(1, std::vector<double>(n, 1.0));
  const ChainResult r = evaluate({sum_first, sum_all}, x);

  const double error = std::fabs(r.in_float[0] - r.in_double[0]);
  const double predicted = 2.0 * (n - 1) * (1 - 0x1p-10) * 0x1p-24;  // every addition rounds up
  EXPECT_NEAR(error, predicted, 1e-3 * predicted) << "the construction did not round every addition up";
  const double bound = float32_error_bound(2.0 * n, r.magnitude[0]);  // the double chain is exact here
  EXPECT_LE(error, bound) << "error " << error << ", bound " << bound;
  EXPECT_GT(error, 0.99 * bound) << "the bound is loose on its worst case: error " << error << ", bound " << bound;
  // Twins: the longest stage alone (n, not 2n) and half the bound must be exceeded.
  EXPECT_FALSE(output_errors(r, static_cast<double>(n), 0.0).ok()) << "a bound counting one stage passed";
  EXPECT_GT(error, 0.5 * bound) << "half the bound passed";
}

}  // namespace
}  // namespace hopelab
