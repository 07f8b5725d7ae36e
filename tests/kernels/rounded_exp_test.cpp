// kernels/rounded_exp.h against exp in long double, over every 509th float of [-104, ln FLT_MAX]
// (subnormal results included) and the edges, one value at a time and in an `omp simd` loop.
// Bound: the double value is e^x (1 + d) with |d| <= 2.2e-13 (Taylor truncation at degree 10,
// |r|^11 / 11! for |r| <= ln 2 / 2) + about 12 double roundings (1.4e-15), which is under
// |d| 2^24 = 4e-6 ulp of float; rounding to float adds at most half an ulp: 0.5 + 1e-5 ulp.
// A twin scaled by 1 + 2^-26 (a quarter to half an ulp) must exceed it.

#include "kernels/rounded_exp.h"

#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "exp_sweep.h"

namespace {

constexpr long double kBoundUlp = 0.5L + 1e-5L;

std::vector<float> sweep() { return hopelab::test::exp_sweep(-104.0f, 88.7228394f, 509); }

std::vector<float> rounded_exps(const std::vector<float>& xs) {
  std::vector<float> ys(xs.size());
  const float* x = xs.data();
  float* y = ys.data();
  const auto n = static_cast<std::int64_t>(xs.size());
#pragma omp simd
  for (std::int64_t i = 0; i < n; ++i) y[i] = hopelab::rounded_exp(x[i]);
  return ys;
}

TEST(RoundedExp, WithinHalfAnUlpInAVectorLoop) {
  const std::vector<float> xs = sweep();
  const auto worst = hopelab::test::exp_ulp_errors(xs, rounded_exps(xs), 1.0L, kBoundUlp);
  EXPECT_TRUE(worst.ok()) << "x = " << xs[static_cast<std::size_t>(worst.index)] << ": " << worst.message();
  EXPECT_GT(worst.considered, std::size_t{4000000});
}

// The sweep above spends most of its points on |x| < 0.5, where r = x is small and the Taylor
// tail negligible. Here every 31st float with 0.5 <= |x| <= 88.7 (about 4 million, r spread
// over [-ln 2 / 2, ln 2 / 2]) under the same bound: a polynomial one degree short (truncation
// up to |r|^10 / 10! = 6.9e-12, 1.2e-4 ulp) rounds some of them past a near-tie and fails it.
TEST(RoundedExp, WithinHalfAnUlpWhereTheReducedArgumentSpansItsRange) {
  using hopelab::test::bits_of_float;
  using hopelab::test::float_from_bits;
  std::vector<float> xs;
  for (std::uint32_t b = bits_of_float(0.5f); b <= bits_of_float(88.7f); b += 31) xs.push_back(float_from_bits(b));
  for (std::uint32_t b = bits_of_float(-0.5f); b <= bits_of_float(-87.0f); b += 31) xs.push_back(float_from_bits(b));
  const auto worst = hopelab::test::exp_ulp_errors(xs, rounded_exps(xs), 1.0L, kBoundUlp);
  EXPECT_TRUE(worst.ok()) << "x = " << xs[static_cast<std::size_t>(worst.index)] << ": " << worst.message();
  EXPECT_GT(worst.considered, std::size_t{3000000});
}

TEST(RoundedExp, OneByOneEqualsTheVectorLoop) {
  const std::vector<float> xs = sweep();
  const std::vector<float> ys = rounded_exps(xs);
  std::size_t differing = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) differing += hopelab::rounded_exp(xs[i]) != ys[i];
  EXPECT_EQ(differing, 0u);
}

TEST(RoundedExp, TwinAQuarterUlpHighFails) {
  const std::vector<float> xs = sweep();
  EXPECT_FALSE(hopelab::test::exp_ulp_errors(xs, rounded_exps(xs), 1.0L + 0x1.0p-26L, kBoundUlp).ok());
}

TEST(RoundedExp, EdgesAndSpecialValues) {
  using hopelab::rounded_exp;
  EXPECT_EQ(rounded_exp(0.0f), 1.0f);
  EXPECT_EQ(rounded_exp(-0.0f), 1.0f);
  EXPECT_EQ(rounded_exp(1.0f), static_cast<float>(std::exp(1.0L)));
  EXPECT_EQ(rounded_exp(-103.2789f), std::ldexp(1.0f, -149));  // the smallest subnormal, e^-103.2789 ~ 2^-149
  EXPECT_EQ(rounded_exp(-104.0f), 0.0f);
  EXPECT_EQ(rounded_exp(-INFINITY), 0.0f);
  EXPECT_EQ(rounded_exp(88.7228394f), INFINITY);  // e^x > FLT_MAX (1 + 2^-25): rounds to +inf
  EXPECT_EQ(rounded_exp(89.0f), INFINITY);
  EXPECT_EQ(rounded_exp(INFINITY), INFINITY);
  EXPECT_TRUE(std::isfinite(rounded_exp(88.7228317f)));  // the largest float whose e^x is finite
  EXPECT_TRUE(std::isnan(rounded_exp(std::numeric_limits<float>::quiet_NaN())));
}

}  // namespace
