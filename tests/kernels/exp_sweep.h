// Helpers for the float exp tests (fast_exp_test.cpp, rounded_exp_test.cpp): a sweep of float
// inputs and each result's error in ulp of exp in long double. Header-only, test code.
#pragma once

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "../worst_element.h"

namespace hopelab::test {

inline float float_from_bits(std::uint32_t b) {
  float f;
  std::memcpy(&f, &b, sizeof f);
  return f;
}

inline std::uint32_t bits_of_float(float f) {
  std::uint32_t b;
  std::memcpy(&b, &f, sizeof b);
  return b;
}

// The spacing of floats at |v| (subnormal spacing below FLT_MIN).
inline long double float_ulp(long double v) {
  if (v < FLT_MIN) return std::ldexp(1.0L, -149);
  int e;
  std::frexp(v, &e);  // v = m 2^e, m in [0.5, 1)
  return std::ldexp(1.0L, e - 24);
}

// Every `step`th float from `low` (negative) up to -0 and from +0 up to `high`, both ends, and
// the float just below `high`.
inline std::vector<float> exp_sweep(float low, float high, std::uint32_t step) {
  std::vector<float> xs{low, high, std::nextafter(high, 0.0f), 0.0f, -0.0f};
  for (std::uint32_t b = 0; b <= bits_of_float(high); b += step) xs.push_back(float_from_bits(b));
  for (std::uint32_t b = 0x80000000u; b <= bits_of_float(low); b += step) xs.push_back(float_from_bits(b));
  return xs;
}

// Errors of ys against exp(xs) in ulp of the exact value, each within `bound` ulp; `scale`
// multiplies the results first (a test's twin). Results that overflow float are skipped.
inline WorstElement exp_ulp_errors(const std::vector<float>& xs, const std::vector<float>& ys, long double scale,
                                   long double bound) {
  WorstElement worst;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const long double exact = std::exp(static_cast<long double>(xs[i]));
    if (exact > FLT_MAX) continue;
    worst.consider(static_cast<std::int64_t>(i), exact / float_ulp(exact), ys[i] * scale / float_ulp(exact), bound);
  }
  return worst;
}

}  // namespace hopelab::test
