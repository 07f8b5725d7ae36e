#pragma once
// exp(x) for a float x evaluated in double and rounded once to float, as straight-line
// arithmetic so that a loop over it vectorises: x = n ln 2 + r, n = round(x / ln 2),
// |r| <= ln 2 / 2 (ln 2 split in two, fdlibm's constants), e^r by its Taylor polynomial to
// degree 10 (truncation below 2.2e-13 relative), 2^n from exponent bits. The double value is
// within 3e-13 of e^x, so the float result is within 0.5 + 5e-6 ulp: the correctly rounded value
// except on the rare near-ties (tests/kernels/rounded_exp_test.cpp). Subnormal results are
// rounded as well; below the smallest subnormal's half it is 0, above FLT_MAX +inf, NaN stays NaN.
// The forward activations use it (kernels/activations.h); the backward's fast_exp is 3 ulp.
// GCC vectorises a loop over it under -fno-trapping-math (sim/vlm's flags), else keeps branches.

#include <cmath>
#include <cstdint>
#include <cstring>

#include "theory/host_device.h"

namespace hopelab {

HOPELAB_HD inline float rounded_exp(float x) {
  // Clamped to [-104.5, 89], where e^x rounds to 0 and to +inf in float as for any x beyond; the
  // clamp, not a select of the result, keeps the loop free of branches. NaN passes.
  constexpr double kRound = 6755399441055744.0;  // 1.5 2^52: adding it rounds to an integer
  const float low = x < -104.5f ? -104.5f : x;
  const double c = low > 89.0f ? 89.0f : low;
  const double shifted = c * 1.4426950408889634 + kRound;  // n + 1.5 2^52, n = round(x log2 e)
  const double n = shifted - kRound;
  const double r = (c - n * 6.93147180369123816490e-01) - n * 1.90821492927058770002e-10;  // x - n ln 2
  double p = 1.0 / 3628800.0;  // e^r = sum_{k <= 10} r^k / k!, Horner's scheme
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  std::uint64_t bits;  // 2^n, n in [-151, 128]: a normal double
  std::memcpy(&bits, &shifted, sizeof bits);
  const std::uint64_t exponent = (bits - 0x4338000000000000ull + 1023u) << 52;
  double scale;
  std::memcpy(&scale, &exponent, sizeof scale);
  return static_cast<float>(p * scale);
}

}  // namespace hopelab
