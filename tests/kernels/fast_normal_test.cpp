// The float Box-Muller of kernels/fast_normal.h against the same formulas in double on the same
// uniforms (glibc's log, cos and sin in double are within 1 ulp of double, far below float's).
// Bounds, with u = 2^-24 (half a float ulp at 1, a float ulp of a value in [1, 2) being 2u):
//   ln: within 2 float ulps, sweeping the floats of [2^-33, 1] (every 7th);
//   cos, sin of 2 pi v: within 1.5 u absolutely, over all 2^24 angles the generator can draw;
//   z = r cos, r sin: r = sqrt(-2 ln u1) carries ln's 2 ulps (relative 4u) halved by the root,
//     plus the root's own rounding (u): 3u relative; times cos (1.5u absolute) and the product's
//     rounding (u relative): |z - z_exact| <= (3 + 1.5 + 1) u r, rounded up to 6 u r.
// The vectorised loop gives the scalar function's values bit for bit. The distribution is tested
// in variates_test.cpp. Each bound has a twin that must fail.
#include "kernels/fast_normal.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

namespace hopelab {
namespace {

constexpr double kU = 0x1.0p-24;

double float_ulp(double x) {  // the spacing of floats at |x|
  const auto f = static_cast<float>(std::fabs(x));
  return static_cast<double>(std::nextafter(f, INFINITY)) - static_cast<double>(f);
}

TEST(FastNormal, LogIsWithinTwoUlps) {
  double worst = 0.0;
  for (std::uint32_t b = float_bits(0x1.0p-33f); b < float_bits(1.0f); b += 7) {
    const float u = bits_float(b);
    const double exact = std::log(static_cast<double>(u));
    worst = std::max(worst, std::fabs(log_positive(u) - exact) / float_ulp(exact));
  }
  EXPECT_LE(worst, 2.0);
  EXPECT_EQ(log_positive(1.0f), 0.0f);
  std::printf("ln: worst %.3f ulp\n", worst);
  // Twin: the series cut after s^5 (missing 2 s^7 / 7 + ..., 1.3e-6 at m near sqrt 2) fails.
  const float m = 1.41f, t = (m - 1.0f) / (m + 1.0f), t2 = t * t;
  const float careless = 2.0f * t * (1.0f + t2 / 3.0f + t2 * t2 / 5.0f);
  const double exact = std::log(static_cast<double>(m));
  EXPECT_GT(std::fabs(careless - exact) / float_ulp(exact), 2.0);
}

TEST(FastNormal, CosSinOfATurnWithinOneAndAHalfU) {
  double worst = 0.0;
  for (std::uint32_t k = 0; k < (1u << 24); ++k) {  // every angle word >> 8
    const float v = static_cast<float>(k) * 0x1.0p-24f;
    float c, s;
    cos_sin_turn(v, &c, &s);
    const double a = 2.0 * M_PI * static_cast<double>(v);
    worst = std::max({worst, std::fabs(c - std::cos(a)), std::fabs(s - std::sin(a))});
  }
  EXPECT_LE(worst, 1.5 * kU);
  std::printf("cos, sin: worst %.3f u\n", worst / kU);
  // Twin: the quadrant's sign of the cosine dropped (as if cos(a + pi) = cos a) fails.
  float c, s;
  cos_sin_turn(0.5f, &c, &s);
  EXPECT_GT(std::fabs(-c - std::cos(M_PI)), 1.5 * kU);
}

// |z - r cos 2 pi u2| and the sine's, over r u, for the words of `blocks` Philox blocks plus
// the extreme words; swap: read the angle from the radius word (the twin).
double worst_box_muller_error(std::uint64_t blocks, bool swap) {
  std::vector<std::uint32_t> words = {0u, 1u, 0xffffffffu, 0xfffffffeu, 0x80000000u, 0x00ffffffu};
  double worst = 0.0;
  auto check = [&](std::uint32_t radius_word, std::uint32_t angle_word) {
    float z0, z1;
    box_muller_words(radius_word, angle_word, &z0, &z1);
    const std::uint32_t rw = swap ? angle_word : radius_word, aw = swap ? radius_word : angle_word;
    const float u1 = static_cast<float>(rw) * 0x1.0p-32f + 0x1.0p-33f;  // the uniform, exactly as drawn
    const double r = std::sqrt(-2.0 * std::log(static_cast<double>(u1)));
    const double a = 2.0 * M_PI * static_cast<double>(aw >> 8) * kU;
    if (r == 0.0) {
      worst = std::max({worst, std::fabs(z0) / kU, std::fabs(z1) / kU});
      return;
    }
    worst = std::max({worst, std::fabs(z0 - r * std::cos(a)) / (r * kU), std::fabs(z1 - r * std::sin(a)) / (r * kU)});
  };
  for (std::uint32_t a : words) {
    for (std::uint32_t b : words) check(a, b);
  }
  for (std::uint64_t i = 0; i < blocks; ++i) {
    const RandomBlock b = philox_block(9, 0, i, 0);
    check(b.word[0], b.word[1]);
    check(b.word[2], b.word[3]);
  }
  return worst;
}

TEST(FastNormal, BoxMullerWithinSixURelativeToTheRadius) {
  const double worst = worst_box_muller_error(1000000, false);
  EXPECT_LE(worst, 6.0);
  std::printf("Box-Muller: worst %.3f u r\n", worst);
  EXPECT_GT(worst_box_muller_error(1000, true), 6.0);  // twin: the words' roles swapped
}

TEST(FastNormal, TheRadiusReachesBeyondSixSigma) {
  float z0, z1;
  box_muller_words(0u, 0u, &z0, &z1);  // the smallest u1, angle 0: z0 = r
  EXPECT_GT(z0, 6.6f);
  EXPECT_EQ(z1, 0.0f);
  box_muller_words(0xffffffffu, 0u, &z0, &z1);  // u1 rounds to 1: r = 0
  EXPECT_EQ(z0, 0.0f);
}

TEST(FastNormal, TheLoopGivesTheScalarValuesBitForBit) {
  for (int count : {4, 6, 64, 128, 130}) {
    for (std::uint64_t sample : {0ull, 12345ull, (1ull << 40) + 3}) {
      std::vector<float> z(static_cast<std::size_t>(count + 3));
      fast_normals(77, 2, sample, count, z.data());
      for (int j = 0; j < count; ++j) {
        float quad[4];
        normal_quad(77, 2, sample, static_cast<std::uint32_t>(j / 4), quad);
        ASSERT_EQ(z[static_cast<std::size_t>(j)], quad[j % 4]) << "count " << count << " normal " << j;
      }
    }
  }
  // Twin: another stream's numbers differ.
  float a[4], b[4];
  fast_normals(77, 2, 5, 4, a);
  fast_normals(77, 3, 5, 4, b);
  EXPECT_NE(a[0], b[0]);
}

}  // namespace
}  // namespace hopelab
