// kernels/fast_exp2.h against exp2 in long double, over every 509th float of its domain
// [-126, 127] and the edges, one float at a time and a FloatVector at a time (as the fused
// attention calls it). Bound, relative to 2^t with u = 2^-24: the polynomial's error on
// [-1/2, 1/2] is 9e-9 (0.15 u) with its float coefficients; Horner's last FMA rounds by u, the one
// before by at most 1.2 u, scaled by |f p_1 / 2^f| <= 1/2: 0.6 u; the earlier ones, less than
// 0.05 u; 2^n is exact. In all 1.8 u, and a value in [2^e, 2^e+1) has ulp 2^(e-23) = 2u 2^e:
// within 0.9 ulp at the bottom of a binade and 1.8 ulp at its top. The test takes 1.8 ulp
// (measured: 0.79 over every 7th float of the domain). A twin, fast_exp2 scaled by 1 + 2^-21
// (4 to 8 ulp), must exceed it.

#include "kernels/fast_exp2.h"

#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "exp_sweep.h"

namespace {

using hopelab::FloatVector;
using hopelab::kFloatLanes;

// Every 509th float of [-126, 127] and the ends.
std::vector<float> sweep() { return hopelab::test::exp_sweep(-126.0f, 127.0f, 509); }

hopelab::test::WorstElement ulp_errors(const std::vector<float>& ts, const std::vector<float>& ys, long double scale) {
  hopelab::test::WorstElement worst;
  for (std::size_t i = 0; i < ts.size(); ++i) {
    const long double exact = std::exp2(static_cast<long double>(ts[i]));
    const long double ulp = hopelab::test::float_ulp(exact);
    worst.consider(static_cast<std::int64_t>(i), exact / ulp, ys[i] * scale / ulp, 1.8L);
  }
  return worst;
}

std::vector<float> one_by_one(const std::vector<float>& ts) {
  std::vector<float> ys(ts.size());
  for (std::size_t i = 0; i < ts.size(); ++i) ys[i] = hopelab::fast_exp2(ts[i]);
  return ys;
}

TEST(FastExp2, WithinBoundCalledOneByOne) {
  const std::vector<float> ts = sweep();
  const auto worst = ulp_errors(ts, one_by_one(ts), 1.0L);
  EXPECT_TRUE(worst.ok()) << "t = " << ts[static_cast<std::size_t>(worst.index)] << ": " << worst.message();
  EXPECT_GT(worst.considered, std::size_t{4000000});
}

TEST(FastExp2, WithinBoundAVectorAtATime) {
  std::vector<float> ts = sweep();
  while (ts.size() % kFloatLanes != 0) ts.push_back(0.0f);
  std::vector<float> ys(ts.size());
  for (std::size_t i = 0; i < ts.size(); i += kFloatLanes) {
    hopelab::store_floats(&ys[i], hopelab::fast_exp2(hopelab::load_floats(&ts[i])));
  }
  const auto worst = ulp_errors(ts, ys, 1.0L);
  EXPECT_TRUE(worst.ok()) << "t = " << ts[static_cast<std::size_t>(worst.index)] << ": " << worst.message();
}

TEST(FastExp2, TwinFourUlpHighFails) {
  const std::vector<float> ts = sweep();
  EXPECT_FALSE(ulp_errors(ts, one_by_one(ts), 1.0L + 0x1.0p-21L).ok());
}

TEST(FastExp2, IntegersAreExactPowersOfTwo) {
  for (int n = -126; n <= 127; ++n) {
    EXPECT_EQ(hopelab::fast_exp2(static_cast<float>(n)), std::ldexp(1.0f, n)) << "t = " << n;
  }
  EXPECT_EQ(hopelab::fast_exp2(-0.0f), 1.0f);
}

TEST(FastExp2, BelowFltMinIsZero) {
  using hopelab::fast_exp2;
  EXPECT_EQ(fast_exp2(-126.0f), FLT_MIN);
  EXPECT_GE(fast_exp2(std::nextafter(-126.0f, 0.0f)), FLT_MIN);  // normal down to t = -126
  for (float t : {std::nextafter(-126.0f, -200.0f), -126.5f, -127.0f, -149.0f, -150.0f, -1e6f, -1e30f,
                  -std::numeric_limits<float>::max(), -INFINITY}) {
    EXPECT_EQ(fast_exp2(t), 0.0f) << "t = " << t;
  }
  // The same in a vector: every lane on its own.
  float ts[kFloatLanes], ys[kFloatLanes];
  for (int i = 0; i < kFloatLanes; ++i) ts[i] = i % 2 == 0 ? -INFINITY : static_cast<float>(-i);
  hopelab::store_floats(ys, fast_exp2(hopelab::load_floats(ts)));
  for (int i = 0; i < kFloatLanes; ++i) EXPECT_EQ(ys[i], i % 2 == 0 ? 0.0f : std::ldexp(1.0f, -i)) << "lane " << i;
}

}  // namespace
