#include "params/distances.h"

#include <cmath>

#include "theory/input_error.h"
#include "theory/text_parse.h"

namespace hopelab::params {

namespace {

struct SteppedRange {
  std::int64_t from = 0, to = 1, step = 1;
};

SteppedRange stepped_range(const std::string& text, const std::string& what, std::int64_t max_points,
                           bool allow_single) {
  const std::vector<std::string> parts = split(text, ':');
  if (allow_single && parts.size() == 1) {
    const std::int64_t single = parse_nonnegative_integer(text, what);
    return {single, single + 1, 1};
  }
  if (parts.size() != 3) throw InputError(what + " must be " + (allow_single ? "F or " : "") + "a:b:s, got '" + text + "'");
  const std::int64_t from = parse_nonnegative_integer(parts[0], what + " start");
  const std::int64_t to = parse_nonnegative_integer(parts[1], what + " end");
  const std::int64_t step = parse_nonnegative_integer(parts[2], what + " step");
  if (step == 0 || to <= from) throw InputError(what + " needs a < b and s > 0, got '" + text + "'");
  if ((to - from) / step >= max_points) {
    throw InputError(what + " '" + text + "' has more than " + std::to_string(max_points) + " points");
  }
  return {from, to, step};
}

}  // namespace

std::int64_t stepped_range_count(const std::string& text, const std::string& what, std::int64_t max_points,
                                 bool allow_single) {
  const SteppedRange r = stepped_range(text, what, max_points, allow_single);
  return (r.to - r.from - 1) / r.step + 1;
}

std::vector<std::int64_t> parse_stepped_range(const std::string& text, const std::string& what,
                                              std::int64_t max_points, bool allow_single) {
  const SteppedRange r = stepped_range(text, what, max_points, allow_single);
  std::vector<std::int64_t> values;
  for (std::int64_t v = r.from; v < r.to; v += r.step) values.push_back(v);
  return values;
}

std::vector<double> spaced_distances(const std::string& distances, const std::string& spacing) {
  constexpr std::int64_t kMaxPoints = 100'000;
  if (spacing == "linear") {
    std::vector<double> out;
    for (std::int64_t m : parse_stepped_range(distances, "distances", kMaxPoints)) out.push_back(static_cast<double>(m));
    return out;
  }
  if (spacing != "log" && spacing != "log-integer") {
    throw InputError("spacing must be 'linear', 'log' or 'log-integer', got '" + spacing + "'");
  }
  const std::vector<std::string> parts = split(distances, ':');
  if (parts.size() != 3) throw InputError("distances must be a:b:n with spacing log, got '" + distances + "'");
  const double from = parse_finite_number(parts[0], "distances start");
  const double to = parse_finite_number(parts[1], "distances end");
  const std::int64_t n = parse_nonnegative_integer(parts[2], "distances points");
  if (!(from > 0 && to > from) || n < 2 || n > kMaxPoints) {
    throw InputError("distances with spacing log need 0 < a < b and 2 <= n <= 100000, got '" + distances + "'");
  }
  std::vector<double> out;
  for (std::int64_t k = 0; k < n; ++k) {
    const double x = from * std::pow(to / from, static_cast<double>(k) / static_cast<double>(n - 1));
    if (spacing == "log") {
      out.push_back(x);
    } else if (out.empty() || std::round(x) != out.back()) {  // log-integer: rounded, repeats dropped
      out.push_back(std::round(x));
    }
  }
  return out;
}

Axis parse_axis(const std::string& text, const std::string& key) {
  for (Axis a : kAxes) {
    if (text == axis_name(a)) return a;
  }
  throw InputError(key + " must be t, h or w, got '" + text + "'");
}

PhasePrecision parse_precision(const std::string& text) {
  if (text == "fp64") return PhasePrecision::fp64;
  if (text == "fp32") return PhasePrecision::fp32;
  throw InputError("precision must be fp32 or fp64, got '" + text + "'");
}

}  // namespace hopelab::params
