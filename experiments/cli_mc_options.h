#pragma once
// Parsing and reporting shared by the Monte Carlo commands (mc preference / win-prob /
// retrieval): stepped ranges, the phase precision, the float32 range warning, offset text.

#include <cstdint>
#include <string>
#include <vector>

#include "sim/sampling.h"

namespace hopelab::cli {

// "a:b:s" -> a, a+s, ... < b (non-negative integers, s > 0); with `allow_single`, also "F" ->
// {F}. At most max_points values. Throws InputError naming `what`.
std::vector<std::int64_t> parse_stepped_range(const std::string& text, const std::string& what,
                                              std::int64_t max_points = 10'000'000, bool allow_single = false);

// "fp32" or "fp64".
PhasePrecision parse_precision(const std::string& text);

// Warns on stderr (not an error) when |offset| exceeds float's exact integers (2^24).
void warn_inexact_float_offsets(double largest_offset);
double largest_component(const std::vector<Offset3>& offsets);

// "t,h,w" in compact numbers.
std::string offset_text(const Offset3& o);

}  // namespace hopelab::cli
