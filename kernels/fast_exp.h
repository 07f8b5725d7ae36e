#pragma once
// exp(x) in float as straight-line arithmetic (no table, no branch, no library call), so that a
// loop over it vectorises (`#pragma omp simd`): Cody & Waite's reduction x = n ln 2 + r,
// n = round(x / ln 2), |r| <= ln 2 / 2, with ln 2 split in two (n ln2_hi is exact), then e^r by
// Cephes' expf polynomial (Moshier 1989), exp(x) = 2^n e^r. Relative error within 3 ulp of float
// (tests/kernels/fast_exp_test.cpp); results below FLT_MIN (x < ln FLT_MIN) are 0, above
// FLT_MAX +inf; NaN stays NaN. Host and device.

#include <cmath>
#include <cstdint>
#include <cstring>

#include "theory/host_device.h"

namespace hopelab {

HOPELAB_HD inline float fast_exp(float x) {
  constexpr float kLow = -87.3365448f;   // ln FLT_MIN
  constexpr float kHigh = 88.7228394f;   // ln FLT_MAX
  constexpr float kRound = 12582912.0f;  // 1.5 2^23: adding it rounds to an integer, kept in the low bits
  // Out of range, the arithmetic runs on 0 and the result is replaced below (clamping to the
  // range instead would compute subnormals, which cost a microcode assist each); NaN passes.
  const float c = x < kLow || x > kHigh ? 0.0f : x;
  const float shifted = c * 1.44269504088896341f + kRound;     // n + 1.5 2^23, n = round(x log2 e)
  const float n = shifted - kRound;
  const float r = (c - n * 0.693359375f) - n * -2.12194440e-4f;  // x - n ln 2, ln 2 = hi + lo
  // e^r = 1 + r + r^2 p(r), Cephes' minimax coefficients on [-ln 2 / 2, ln 2 / 2].
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float er = p * (r * r) + r + 1.0f;
  // 2^n from the bits of `shifted`, n in [-126, 128]; 2^128 overflows, so n = 128 takes 2^127 * 2.
  std::uint32_t bits;
  std::memcpy(&bits, &shifted, sizeof bits);
  const std::uint32_t top = n > 127.0f ? 1u : 0u;
  const std::uint32_t exponent = (bits - 0x4B400000u + 127u - top) << 23;  // n - top + bias
  float scale;
  std::memcpy(&scale, &exponent, sizeof scale);
  const float y = er * scale * (top != 0u ? 2.0f : 1.0f);
  return x > kHigh ? INFINITY : (x < kLow ? 0.0f : y);
}

}  // namespace hopelab
