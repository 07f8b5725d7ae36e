#pragma once
// 16-bit floats of checkpoints: bfloat16 (1 sign, 8 exponent, 7 mantissa bits: the top half of
// an IEEE float32) and IEEE 754 binary16 "f16" (1, 5, 10; bias 15; max 65504). Narrowing rounds
// to nearest, ties to even; NaN stays a (quiet) NaN; a finite value that rounds past the largest
// finite one is an overflow, reported to the caller (which names the tensor).

#include <cmath>
#include <cstdint>
#include <cstring>

namespace hopelab {

inline std::uint32_t float_bits(float value) {
  std::uint32_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

inline float float_from_bits(std::uint32_t bits) {
  float value = 0.0f;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

inline float bf16_to_float(std::uint16_t h) { return float_from_bits(static_cast<std::uint32_t>(h) << 16); }

// Rounds by adding 0x7fff plus the lowest kept bit, then truncating (carries reach the exponent).
// Returns false when a finite value overflows to infinity.
inline bool float_to_bf16(float value, std::uint16_t* out) {
  const std::uint32_t x = float_bits(value);
  if ((x & 0x7fffffffu) > 0x7f800000u) {  // NaN: keep sign and top payload, force quiet
    *out = static_cast<std::uint16_t>((x >> 16) | 0x0040u);
    return true;
  }
  const bool finite = (x & 0x7f800000u) != 0x7f800000u;
  const std::uint32_t rounded = (x + 0x7fffu + ((x >> 16) & 1u)) >> 16;
  *out = static_cast<std::uint16_t>(rounded);
  return !finite || (rounded & 0x7f80u) != 0x7f80u;
}

inline float f16_to_float(std::uint16_t h) {
  const float sign = (h & 0x8000u) ? -1.0f : 1.0f;
  const int exponent = (h >> 10) & 0x1f;
  const int mantissa = h & 0x3ff;
  if (exponent == 0) return sign * std::ldexp(static_cast<float>(mantissa), -24);  // zero, subnormal
  if (exponent == 31) return mantissa == 0 ? sign * INFINITY : NAN;
  return sign * std::ldexp(static_cast<float>(1024 + mantissa), exponent - 25);
}

// Returns false when a finite value overflows (|value| >= 65520 rounds past 65504).
inline bool float_to_f16(float value, std::uint16_t* out) {
  const std::uint32_t x = float_bits(value);
  const auto sign = static_cast<std::uint16_t>((x >> 16) & 0x8000u);
  const std::uint32_t magnitude = x & 0x7fffffffu;
  if (magnitude > 0x7f800000u) {  // NaN
    *out = static_cast<std::uint16_t>(sign | 0x7e00u);
    return true;
  }
  if (magnitude == 0x7f800000u) {  // infinity stays infinity
    *out = static_cast<std::uint16_t>(sign | 0x7c00u);
    return true;
  }
  if (magnitude >= 0x477ff000u) {  // 65520
    *out = static_cast<std::uint16_t>(sign | 0x7c00u);
    return false;
  }
  if (magnitude < 0x38800000u) {  // below 2^-14: subnormal, units of 2^-24 (1024 -> smallest normal)
    const float units = std::nearbyint(std::fabs(value) * 16777216.0f);  // exact scaling, then RNE
    *out = static_cast<std::uint16_t>(sign | static_cast<std::uint16_t>(units));
    return true;
  }
  const std::uint32_t exponent = (magnitude >> 23) - 127u + 15u;
  const std::uint32_t mantissa = magnitude & 0x7fffffu;
  std::uint32_t h = (exponent << 10) | (mantissa >> 13);
  const std::uint32_t rest = mantissa & 0x1fffu;
  if (rest > 0x1000u || (rest == 0x1000u && (h & 1u))) ++h;  // carry may reach the exponent
  *out = static_cast<std::uint16_t>(sign | h);
  return true;
}

}  // namespace hopelab
