#include "cli_mc_options.h"

#include <algorithm>
#include <cmath>
#include <iostream>

#include "cli_output.h"
#include "theory/input_error.h"
#include "theory/text_parse.h"

namespace hopelab::cli {

std::vector<std::int64_t> parse_stepped_range(const std::string& text, const std::string& what,
                                              std::int64_t max_points, bool allow_single) {
  const std::vector<std::string> parts = split(text, ':');
  if (allow_single && parts.size() == 1) return {parse_nonnegative_integer(text, what)};
  if (parts.size() != 3) throw InputError(what + " must be " + (allow_single ? "F or " : "") + "a:b:s, got '" + text + "'");
  const std::int64_t from = parse_nonnegative_integer(parts[0], what + " start");
  const std::int64_t to = parse_nonnegative_integer(parts[1], what + " end");
  const std::int64_t step = parse_nonnegative_integer(parts[2], what + " step");
  if (step == 0 || to <= from) throw InputError(what + " needs a < b and s > 0, got '" + text + "'");
  if ((to - from) / step >= max_points) {
    throw InputError(what + " '" + text + "' has more than " + std::to_string(max_points) + " points");
  }
  std::vector<std::int64_t> values;
  for (std::int64_t v = from; v < to; v += step) values.push_back(v);
  return values;
}

PhasePrecision parse_precision(const std::string& text) {
  if (text == "fp64") return PhasePrecision::fp64;
  if (text == "fp32") return PhasePrecision::fp32;
  throw InputError("--precision must be fp32 or fp64, got '" + text + "'");
}

double largest_component(const std::vector<Offset3>& offsets) {
  double largest = 0.0;
  for (const Offset3& o : offsets) largest = std::max({largest, std::fabs(o.t), std::fabs(o.h), std::fabs(o.w)});
  return largest;
}

void warn_inexact_float_offsets(double largest_offset) {
  if (largest_offset > kFloatExactOffset) {
    std::cerr << "hopelab: warning: offsets up to " << compact_text(largest_offset)
              << " exceed 2^24, the largest a float32 holds exactly; fp32 phases there are inexact\n";
  }
}

std::string offset_text(const Offset3& o) {
  return compact_text(o.t) + "," + compact_text(o.h) + "," + compact_text(o.w);
}

}  // namespace hopelab::cli
