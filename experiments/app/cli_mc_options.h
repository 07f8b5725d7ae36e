#pragma once
// What the Monte Carlo commands (mc preference / win-prob / retrieval) print beside a unit's
// record: the float32 range warning and offsets as text.

#include <string>
#include <vector>

#include "sim/sampling.h"

namespace hopelab::cli {

// Warns on stderr (not an error) when |offset| exceeds float's exact integers (2^24).
void warn_inexact_float_offsets(double largest_offset);
double largest_component(const std::vector<Offset3>& offsets);

// "t,h,w" in compact numbers.
std::string offset_text(const Offset3& o);

}  // namespace hopelab::cli
