// kernels/online_softmax.h: folding scores one at a time, or a block at a time by raising the max,
// gives exp(s_j - max) / Z of the two-pass softmax (in long double), and an accumulator of
// weighted values rescaled on each new max gives the softmax-weighted mean.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "kernels/online_softmax.h"
#include "vlm_fixture.h"

namespace hopelab {
namespace {

using LD = long double;

TEST(OnlineSoftmax, ScoreByScoreFoldMatchesTwoPassSoftmax) {
  const int n = 1000;
  std::vector<double> s, v;
  for (int j = 0; j < n; ++j) {
    s.push_back(5.0 * vlm_test::normal(3, 0, static_cast<std::uint64_t>(j)) + 0.01 * j);  // max grows often
    v.push_back(vlm_test::normal(3, 1, static_cast<std::uint64_t>(j)));
  }
  double max = -std::numeric_limits<double>::infinity(), sum = 0.0, acc = 0.0;
  for (int j = 0; j < n; ++j) {
    double rescale = 0.0;
    const double w = softmax_add(s[j], &max, &sum, &rescale);
    acc = acc * rescale + w * v[j];
  }
  LD mx = -INFINITY, z = 0, num = 0;
  for (double x : s) mx = std::max<LD>(mx, x);
  for (int j = 0; j < n; ++j) {
    z += expl(s[j] - mx);
    num += expl(s[j] - mx) * v[j];
  }
  EXPECT_EQ(max, static_cast<double>(mx));
  // n double exps and n additions, each within a few ulps: 4 n u_double relative.
  const double tol = 4.0 * n * std::numeric_limits<double>::epsilon();
  EXPECT_LE(std::fabs(sum / static_cast<double>(z) - 1.0), tol) << "Z: expected " << static_cast<double>(z)
                                                                << ", actual " << sum << ", tolerance " << tol;
  const double mean = static_cast<double>(num / z);
  LD abs_mean = 0;
  for (int j = 0; j < n; ++j) abs_mean += expl(s[j] - mx) * fabsl(v[j]) / z;
  EXPECT_LE(std::fabs(acc / sum - mean), tol * static_cast<double>(abs_mean))
      << "weighted mean: expected " << mean << ", actual " << acc / sum;
}

TEST(OnlineSoftmax, BlockFoldInFloatMatchesTwoPassSoftmax) {
  const int n = 700, block = 64;
  std::vector<float> s;
  for (int j = 0; j < n; ++j) s.push_back(static_cast<float>(3.0 * vlm_test::normal(4, 0, static_cast<std::uint64_t>(j)) + 0.02 * j));
  float max = -std::numeric_limits<float>::infinity(), sum = 0.0f;
  for (int b = 0; b < n; b += block) {
    float block_max = -std::numeric_limits<float>::infinity();
    for (int j = b; j < std::min(n, b + block); ++j) block_max = std::max(block_max, s[j]);
    softmax_raise_max(block_max, &max, &sum);
    for (int j = b; j < std::min(n, b + block); ++j) sum += softmax_exp(s[j] - max);
  }
  LD mx = -INFINITY, z = 0;
  for (float x : s) mx = std::max<LD>(mx, x);
  for (float x : s) z += expl(x - mx);
  EXPECT_EQ(max, static_cast<float>(mx));
  // Float: each exp 2 ulps after an exact-enough subtraction (u |s - m| <= 60 u here), n adds,
  // and one rescale per block (2u each): (2 + 60 + n + 2 n / block) u relative.
  const double u = std::numeric_limits<float>::epsilon() / 2;
  const double tol = (62.0 + n + 2.0 * n / block) * u;
  EXPECT_LE(std::fabs(sum / static_cast<double>(z) - 1.0), tol)
      << "Z: expected " << static_cast<double>(z) << ", actual " << sum << ", tolerance " << tol;
}

TEST(OnlineSoftmax, RaisingToASmallerMaxChangesNothing) {
  double max = 2.0, sum = 3.0;
  EXPECT_EQ(softmax_raise_max(1.0, &max, &sum), 1.0);
  EXPECT_EQ(max, 2.0);
  EXPECT_EQ(sum, 3.0);
}

}  // namespace
}  // namespace hopelab
