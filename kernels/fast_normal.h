#pragma once
// N(0, 1) in float at the hardware's speed: Box-Muller (kernels/normal.h) with the logarithm,
// sine and cosine written as straight-line float arithmetic, so that a loop over Philox blocks
// vectorises. One block (seed, stream, sample, draw b) gives normals 4b .. 4b + 3: the pairs
// (w0, w1) and (w2, w3), with u1 = (w + 1/2) 2^-32 in (0, 1) (the radius reaches 6.7 sigma) and
// u2 = the top 24 bits of the other word. The double path (normal_pair) stays the oracle:
// tests/kernels/fast_normal_test.cpp bounds the difference from Box-Muller in double on the same
// uniforms and tests the distribution.

#include <cmath>
#include <cstdint>
#include <cstring>

#include "kernels/philox.h"
#include "theory/host_device.h"

namespace hopelab {

HOPELAB_HD inline std::uint32_t float_bits(float x) {
  std::uint32_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

HOPELAB_HD inline float bits_float(std::uint32_t b) {
  float x;
  std::memcpy(&x, &b, sizeof x);
  return x;
}

// ln u for a positive normal float u: u = 2^k m with m in [sqrt(1/2), sqrt(2)), then
// ln m = 2 atanh(s) = 2 (s + s^3/3 + ... + s^9/9), s = (m - 1)/(m + 1), |s| <= 0.1716 (the
// series' tail below 7e-10 of ln m), and k ln 2 with ln 2 split in two.
HOPELAB_HD inline float log_positive(float u) {
  const std::uint32_t bits = float_bits(u);
  const std::int32_t k = static_cast<std::int32_t>(bits - 0x3f3504f3u) >> 23;  // 0x3f3504f3: sqrt(1/2)
  const float m = bits_float(bits - (static_cast<std::uint32_t>(k) << 23));
  const float s = (m - 1.0f) / (m + 1.0f), s2 = s * s;
  float p = 1.0f / 9.0f;
  p = p * s2 + 1.0f / 7.0f;
  p = p * s2 + 1.0f / 5.0f;
  p = p * s2 + 1.0f / 3.0f;
  const float ln_m = 2.0f * s + 2.0f * s * s2 * p;
  const auto kf = static_cast<float>(k);
  return kf * 0.693145752f + (kf * 1.42860677e-06f + ln_m);  // ln 2 = 0.693145752 + 1.4286068e-6
}

// (cos 2 pi u, sin 2 pi u) for u in [0, 1]: 4u = n + f with n = round(4u), |f| <= 1/2, so that
// 2 pi u = n pi/2 + a, |a| = |f| pi/2 <= pi/4; sin a and cos a by their Taylor polynomials to
// degree 11 and 12 (tails below 2e-9 and 2e-10); the quadrant n mod 4 swaps and negates them.
HOPELAB_HD inline void cos_sin_turn(float u, float* c, float* s) {
  const float x = 4.0f * u;                  // exact
  const float n = static_cast<float>(static_cast<std::int32_t>(x + 0.5f));  // round half up, x >= 0
  const float a = (x - n) * 1.57079632679f;  // (x - n) exact
  const float a2 = a * a;
  float sp = -1.0f / 39916800.0f;
  sp = sp * a2 + 1.0f / 362880.0f;
  sp = sp * a2 - 1.0f / 5040.0f;
  sp = sp * a2 + 1.0f / 120.0f;
  sp = sp * a2 - 1.0f / 6.0f;
  const float sin_a = a + a * a2 * sp;
  float cp = 1.0f / 479001600.0f;
  cp = cp * a2 - 1.0f / 3628800.0f;
  cp = cp * a2 + 1.0f / 40320.0f;
  cp = cp * a2 - 1.0f / 720.0f;
  cp = cp * a2 + 1.0f / 24.0f;
  cp = cp * a2 - 0.5f;
  const float cos_a = 1.0f + a2 * cp;
  const auto quadrant = static_cast<std::uint32_t>(n) & 3u;
  const float sin_q = (quadrant & 1u) ? cos_a : sin_a;  // quadrant 1, 3: sin(a + pi/2) = cos a
  const float cos_q = (quadrant & 1u) ? sin_a : cos_a;  // cos(a + pi/2) = -sin a (sign below)
  *s = (quadrant & 2u) ? -sin_q : sin_q;
  *c = ((quadrant + 1u) & 2u) ? -cos_q : cos_q;  // negative in quadrants 1 and 2
}

// One Box-Muller pair from two words: r = sqrt(-2 ln u1), (r cos 2 pi u2, r sin 2 pi u2).
HOPELAB_HD inline void box_muller_words(std::uint32_t radius_word, std::uint32_t angle_word, float* z0, float* z1) {
  const float u1 = static_cast<float>(radius_word) * 0x1.0p-32f + 0x1.0p-33f;  // in [2^-33, 1]
  const float r = ::sqrtf(-2.0f * log_positive(u1));  // u1 = 1 (rounded up): r = 0
  float c, s;
  cos_sin_turn(static_cast<float>(angle_word >> 8) * 0x1.0p-24f, &c, &s);
  *z0 = r * c;
  *z1 = r * s;
}

// Normals 4b .. 4b + 3 of (seed, stream, sample): z (4).
HOPELAB_HD inline void normal_quad(std::uint64_t seed, std::uint32_t stream, std::uint64_t sample, std::uint32_t b,
                                   float* z) {
  const RandomBlock block = philox_block(seed, stream, sample, b);
  box_muller_words(block.word[0], block.word[1], z, z + 1);
  box_muller_words(block.word[2], block.word[3], z + 2, z + 3);
}

// Normals 0 .. count - 1 of (seed, stream, sample) into z (count rounded up to a multiple of 4).
HOPELAB_HD inline void fast_normals(std::uint64_t seed, std::uint32_t stream, std::uint64_t sample, int count,
                                    float* z) {
  const int blocks = (count + 3) / 4;
#if !defined(__CUDACC__)  // the host pass of a CUDA compilation knows no OpenMP pragmas
#pragma omp simd
#endif
  for (int b = 0; b < blocks; ++b) normal_quad(seed, stream, sample, static_cast<std::uint32_t>(b), z + 4 * b);
}

}  // namespace hopelab
