#include "theory/text_parse.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "theory/input_error.h"

namespace hopelab {

std::string trim(const std::string& text) {
  const size_t first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  const size_t last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(separator, start);
    parts.push_back(trim(text.substr(start, end == std::string::npos ? std::string::npos : end - start)));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return parts;
}

namespace {

// The one decimal rule of the non-negative integers below: digits and nothing else (no sign,
// blank, 0x or exponent), at most 18 of them so that the value fits an int64. Errors name `what`,
// the syntax expected and the text as given.
std::int64_t decimal_digits(const std::string& digits, const std::string& what, const char* syntax,
                            const std::string& text) {
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) {
    throw InputError(what + " must be " + syntax + ", got '" + text + "'");
  }
  if (digits.size() > 18) throw InputError(what + " is too large: '" + text + "' (at most 18 digits)");
  return std::strtoll(digits.c_str(), nullptr, 10);
}

}  // namespace

std::int64_t parse_nonnegative_integer(const std::string& text, const std::string& what) {
  return decimal_digits(trim(text), what, "a non-negative integer", text);
}

double parse_finite_number(const std::string& text, const std::string& what) {
  const std::string t = trim(text);
  if (t.find_first_not_of("0123456789.eE+-") != std::string::npos) {  // no hex, inf or nan
    throw InputError(what + " must be a finite decimal number, got '" + text + "'");
  }
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(t.c_str(), &end);
  if (t.empty() || end != t.c_str() + t.size() || errno == ERANGE || !std::isfinite(value)) {
    throw InputError(what + " must be a finite number, got '" + text + "'");
  }
  return value;
}

std::int64_t parse_length(const std::string& text, const std::string& what) {
  std::string digits = trim(text);
  std::int64_t scale = 1;
  if (!digits.empty()) {
    const char suffix = digits.back();
    if (suffix == 'k' || suffix == 'K') scale = 1024;
    if (suffix == 'm' || suffix == 'M') scale = 1024 * 1024;
    if (scale != 1) digits.pop_back();
  }
  // The digits before the suffix as they stand: "2 k" is refused.
  const std::int64_t value = decimal_digits(digits, what, "a non-negative integer with optional suffix k or M", text);
  if (value > std::numeric_limits<std::int64_t>::max() / scale) {
    throw InputError(what + " is too large: '" + text + "'");
  }
  return value * scale;
}

std::vector<int> parse_index_ranges(const std::string& text, int count) {
  std::vector<int> indices;
  for (const std::string& part : split(text, ',')) {
    std::string range = part;
    std::int64_t step = 1;
    const size_t colon = range.find(':');
    if (colon != std::string::npos) {
      step = parse_nonnegative_integer(range.substr(colon + 1), "range step");
      range = range.substr(0, colon);
      if (step == 0) throw InputError("range step must be positive in '" + part + "'");
    }
    const size_t dash = range.find('-');
    const std::int64_t first = parse_nonnegative_integer(range.substr(0, dash), "pair index");
    const std::int64_t last =
        dash == std::string::npos ? first : parse_nonnegative_integer(range.substr(dash + 1), "pair index");
    if (last < first || last >= count) {
      throw InputError("pair range '" + part + "' must lie in 0.." + std::to_string(count - 1));
    }
    for (std::int64_t i = first; i <= last; i += step) indices.push_back(static_cast<int>(i));
  }
  return indices;
}

}  // namespace hopelab
