// experiments/vlm/half_float.h against an independent reference: every bf16 / f16 bit pattern
// decoded with a long double formula (sign, 2^(e - bias), 1 + m / 2^bits), then the correctly
// rounded pattern of x found by searching the sorted decoded values for the nearest one (ties:
// the even pattern). Rounding is exactly defined, so every comparison is bit-exact (tolerance 0).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "vlm/half_float.h"

namespace hopelab {
namespace {

struct Format {
  int exponent_bits, mantissa_bits;
};
constexpr Format kF16 = {5, 10};
constexpr Format kBf16 = {8, 7};

long double reference_decode(Format f, std::uint32_t bits) {  // non-negative finite patterns only
  const std::uint32_t mantissa = bits & ((1u << f.mantissa_bits) - 1);
  const std::uint32_t exponent = bits >> f.mantissa_bits;
  const int bias = (1 << (f.exponent_bits - 1)) - 1;
  const long double fraction = static_cast<long double>(mantissa) / std::pow(2.0L, f.mantissa_bits);
  if (exponent == 0) return fraction * std::pow(2.0L, 1 - bias);
  return (1.0L + fraction) * std::pow(2.0L, static_cast<int>(exponent) - bias);
}

struct Table {
  std::vector<long double> values;  // sorted, non-negative, plus the virtual 2^(emax+1) at infinity's pattern
  std::vector<std::uint32_t> bits;
};

Table reference_table(Format f) {
  Table t;
  const std::uint32_t infinity = ((1u << f.exponent_bits) - 1) << f.mantissa_bits;
  for (std::uint32_t b = 0; b < infinity; ++b) {
    t.values.push_back(reference_decode(f, b));
    t.bits.push_back(b);
  }
  const int bias = (1 << (f.exponent_bits - 1)) - 1;
  t.values.push_back(std::pow(2.0L, bias + 1));  // where the next binade would start: overflow
  t.bits.push_back(infinity);
  return t;
}

// Correctly rounded pattern of finite x; the infinity pattern means overflow.
std::uint32_t reference_round(const Table& t, Format f, float x) {
  const long double magnitude = std::fabs(static_cast<long double>(x));
  const std::uint32_t sign = std::signbit(x) ? 1u << (f.exponent_bits + f.mantissa_bits) : 0u;
  if (magnitude >= t.values.back()) return sign | t.bits.back();
  const auto upper = std::lower_bound(t.values.begin(), t.values.end(), magnitude);
  const size_t hi = static_cast<size_t>(upper - t.values.begin());
  if (t.values[hi] == magnitude || hi == 0) return sign | t.bits[hi];
  const size_t lo = hi - 1;
  const long double below = magnitude - t.values[lo], above = t.values[hi] - magnitude;
  if (below < above) return sign | t.bits[lo];
  if (above < below) return sign | t.bits[hi];
  return sign | ((t.bits[lo] & 1u) == 0 ? t.bits[lo] : t.bits[hi]);
}

// Every pattern, each midpoint between neighbours and the floats just beside it, and random floats.
std::vector<float> test_points(const Table& t) {
  std::vector<float> points;
  for (size_t i = 0; i < t.values.size(); ++i) {
    const auto v = static_cast<float>(t.values[i]);
    if (!std::isfinite(v)) continue;
    points.insert(points.end(), {v, -v});
    if (i + 1 < t.values.size()) {
      const auto mid = static_cast<float>((t.values[i] + t.values[i + 1]) / 2);  // exact in float for both formats
      if (std::isfinite(mid))
        points.insert(points.end(), {mid, std::nextafter(mid, 0.0f), std::nextafter(mid, INFINITY), -mid});
    }
  }
  std::uint64_t state = 0x9e3779b97f4a7c15ULL;  // splitmix64
  for (int i = 0; i < 1'000'000; ++i) {
    state += 0x9e3779b97f4a7c15ULL;
    std::uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    const float x = float_from_bits(static_cast<std::uint32_t>(z));
    if (std::isfinite(x)) points.push_back(x);
  }
  return points;
}

template <typename Encode, typename Decode>
void check_format(Format f, Encode encode, Decode decode, const char* name) {
  const Table table = reference_table(f);
  const std::uint32_t infinity = table.bits.back();
  size_t checked = 0;
  for (float x : test_points(table)) {
    const std::uint32_t expected = reference_round(table, f, x);
    const bool expect_overflow = (expected & ~(1u << (f.exponent_bits + f.mantissa_bits))) == infinity;
    std::uint16_t actual = 0;
    const bool fits = encode(x, &actual);
    ASSERT_EQ(fits, !expect_overflow) << name << ": overflow flag of " << x;
    ++checked;
    if (expect_overflow) continue;
    // Tolerance 0: round to nearest even is exactly defined.
    ASSERT_EQ(actual, expected) << name << " of " << x << " (bits " << std::hex << float_bits(x) << "): expected 0x"
                                << expected << ", actual 0x" << actual;
    // Decoding is exact: the pattern's value, as the reference computes it.
    const long double magnitude = reference_decode(f, expected & (infinity | ((1u << f.mantissa_bits) - 1)));
    ASSERT_EQ(static_cast<long double>(std::fabs(decode(actual))), magnitude)
        << name << " decode of 0x" << std::hex << actual;
  }
  EXPECT_GT(checked, 1'000'000u) << name << ": too few points checked";
}

TEST(HalfFloat, F16RoundsToNearestEvenAndDecodesExactly) { check_format(kF16, float_to_f16, f16_to_float, "f16"); }

TEST(HalfFloat, Bf16RoundsToNearestEvenAndDecodesExactly) { check_format(kBf16, float_to_bf16, bf16_to_float, "bf16"); }

TEST(HalfFloat, NonFiniteValuesStayNonFinite) {
  std::uint16_t h = 0;
  EXPECT_TRUE(float_to_f16(NAN, &h));
  EXPECT_TRUE(std::isnan(f16_to_float(h))) << "f16 NaN became 0x" << std::hex << h;
  EXPECT_TRUE(float_to_bf16(NAN, &h));
  EXPECT_TRUE(std::isnan(bf16_to_float(h))) << "bf16 NaN became 0x" << std::hex << h;
  EXPECT_TRUE(float_to_f16(-INFINITY, &h));
  EXPECT_EQ(f16_to_float(h), -INFINITY);
  EXPECT_TRUE(float_to_bf16(INFINITY, &h));
  EXPECT_EQ(bf16_to_float(h), INFINITY);
}

}  // namespace
}  // namespace hopelab
