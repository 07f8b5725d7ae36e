#pragma once
// Parsing and reporting shared by the Monte Carlo commands (mc preference / win-prob /
// retrieval): stepped ranges, the phase precision, the float32 range warning, offset text.

#include <cstdint>
#include <string>
#include <vector>

#include "params/distances.h"
#include "sim/sampling.h"

namespace hopelab::cli {

using params::parse_precision;
using params::parse_stepped_range;

// Warns on stderr (not an error) when |offset| exceeds float's exact integers (2^24).
void warn_inexact_float_offsets(double largest_offset);
double largest_component(const std::vector<Offset3>& offsets);

// "t,h,w" in compact numbers.
std::string offset_text(const Offset3& o);

}  // namespace hopelab::cli
