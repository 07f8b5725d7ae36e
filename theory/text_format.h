#pragma once
// Number formatting shared by error messages and reports: shortest round-trip form.

#include <string>

namespace hopelab {

// 1e6 -> "1e+06", 0.75 -> "0.75", 17 -> "17": %.17g trimmed to the shortest exact form.
std::string format_number(double value);

}  // namespace hopelab
