// HoPE Theorem 3.1's critical length: value against theta_min recomputed here, the theorem's
// claim itself (the smallest temporal frequency's cosine turns negative just past it), and
// methods without temporal frequency.
#include <cmath>

#include <gtest/gtest.h>

#include "theory/critical_length.h"

namespace hopelab {
namespace {

TEST(CriticalLength, OneVersusPiOverTwoThetaMin) {
  // theta_min of the temporal pairs, by hand: M-RoPE t = pairs 0..15 -> theta_15;
  // VideoRoPE / vanilla / MRoPE-I (t includes pair 63) -> theta_63; p-RoPE 0.75 -> theta_47.
  const struct {
    const char* method;
    int pair;
  } cases[] = {{"mrope", 15}, {"videorope", 63}, {"vanilla", 63}, {"mrope-interleave", 63}, {"p-rope", 47},
               {"tad-rope", 63}};
  for (const auto& c : cases) {
    const CriticalLength got = critical_length(make_method(c.method));
    const long double theta = std::pow(1e6L, -2.0L * c.pair / 128);
    const long double want = 1.0L + std::acos(-1.0L) / (2.0L * theta);
    ASSERT_TRUE(got.length) << c.method;
    EXPECT_EQ(got.pair, c.pair) << c.method;
    // theta carries (2 + |ln theta|) eps relative error (spectrum_test): so does pi/(2 theta).
    EXPECT_NEAR(*got.length, static_cast<double>(want), static_cast<double>(want) * 20 * 2.2e-16) << c.method;
  }
}

TEST(CriticalLength, TemporalCosineTurnsNegativeJustPastIt) {
  for (const char* name : {"mrope", "videorope", "vanilla", "p-rope"}) {
    const CriticalLength c = critical_length(make_method(name));
    const double past = std::ceil(*c.length);     // first integer dt - 1 >= pi / (2 theta_min)
    EXPECT_LT(std::cos((past - 1.0 + 1.0) * c.theta_min), 0.0) << name;
    EXPECT_GT(std::cos((past - 2.0) * c.theta_min), 0.0) << name;  // still positive before it
  }
}

TEST(CriticalLength, ZeroTemporalFrequencyHasNone) {
  for (const char* name : {"hope", "hope-x"}) {
    const CriticalLength c = critical_length(make_method(name));
    EXPECT_FALSE(c.length) << name;
    EXPECT_NE(c.reason.find("no non-zero temporal"), std::string::npos);
  }
}

TEST(CriticalLength, FramesFollowTheDesignsTemporalStep) {
  // VideoRoPE advances t by delta = 2 per frame; M-RoPE by 1; flat by the frame's H*W tokens.
  const CriticalLength v = critical_length(make_method("videorope"));
  EXPECT_EQ(v.frame_step, 2.0);
  EXPECT_DOUBLE_EQ(*v.frames - 1.0, (*v.length - 1.0) / 2.0);
  EXPECT_EQ(critical_length(make_method("mrope")).frame_step, 1.0);
  EXPECT_EQ(critical_length(make_method("vanilla"), 12, 12).frame_step, 144.0);
  // Truncated time-aligned ids at fps 5, 2 ids/s: floor(0.8 f); the mean step is 0.8 per frame.
  MethodOptions o;
  o.design = DesignKind::qwen25vl;
  o.fps = 5.0;
  o.tokens_per_second = 2.0;
  const CriticalLength q = critical_length(make_method("mrope", o));
  EXPECT_NEAR(q.frame_step, 0.8, 1e-6);  // floor(0.8e6) / 1e6 exactly 0.8 up to rounding
  EXPECT_TRUE(std::isfinite(*q.frames));
}

}  // namespace
}  // namespace hopelab
