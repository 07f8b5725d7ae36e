#pragma once
// Lists of distances as specs and flags spell them: stepped integer ranges "a:b:s" and
// geometric ones "a:b:n" (docs/usage.md); the axis names t, h, w; the phase precision.

#include <cstdint>
#include <string>
#include <vector>

#include "sim/sampling.h"
#include "theory/allocation.h"

namespace hopelab::params {

// "a:b:s" -> a, a+s, ... < b (non-negative integers, s > 0); with `allow_single`, also "F" ->
// {F}. At most max_points values. Throws InputError naming `what`.
std::vector<std::int64_t> parse_stepped_range(const std::string& text, const std::string& what,
                                              std::int64_t max_points = 10'000'000, bool allow_single = false);

// The number of values of "a:b:s" (or 1 for "F" with `allow_single`), checked as
// parse_stepped_range checks it, without building them.
std::int64_t stepped_range_count(const std::string& text, const std::string& what,
                                 std::int64_t max_points = 10'000'000, bool allow_single = false);

inline constexpr const char* kSpacingDescription =
    "linear, log (geometric: a (b/a)^(k/(n-1)), k = 0..n-1) or log-integer (rounded, unique)";

// The distances of a cosine map or phase error: the stepped integers a, a + s, ... < b
// (spacing linear), n points a (b/a)^(k/(n-1)), k = 0..n-1 (log), or those rounded to the
// nearest integer without repeats (log-integer). At most 100000 points.
std::vector<double> spaced_distances(const std::string& distances, const std::string& spacing);

// "t", "h" or "w"; `key` names the field in the error.
Axis parse_axis(const std::string& text, const std::string& key);

// "fp32" or "fp64".
PhasePrecision parse_precision(const std::string& text);

}  // namespace hopelab::params
