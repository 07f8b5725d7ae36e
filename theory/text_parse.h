#pragma once
// Small strict parsers for command-line and spec text. Each throws InputError naming the
// text it could not read; none accepts trailing garbage.

#include <cstdint>
#include <string>
#include <vector>

namespace hopelab {

std::string trim(const std::string& text);
std::vector<std::string> split(const std::string& text, char separator);

// "42" -> 42: decimal digits only, at most 18 (blanks around them trimmed). `what` names the
// value in the error ("frame count").
std::int64_t parse_nonnegative_integer(const std::string& text, const std::string& what);
// A finite double, e.g. "1e6", "0.75".
double parse_finite_number(const std::string& text, const std::string& what);
// "1k" = 1024, "4M" = 4194304, plain integers as they are: the digits before the suffix follow
// parse_nonnegative_integer's rule.
std::int64_t parse_length(const std::string& text, const std::string& what);
// "0-15", "0-46:2", "7", comma-separated: pair indices in [0, count).
std::vector<int> parse_index_ranges(const std::string& text, int count);

}  // namespace hopelab
