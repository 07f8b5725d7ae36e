#pragma once
// The work limit: how much one request (a unit of a spec, a computing command, a benchmark) may
// ask for before anything is allocated or computed, so that a typo or a hostile spec cannot make
// the program run for days or allocate beyond the machine. Work counts pair evaluations: the
// points a unit evaluates (offsets, keys, distances scanned) times its samples (1 for exact
// kinds) times the head's P = d/2 pairs. Requests beyond max_work are refused with one line;
// [experiment] max_work in a spec and --max-work on the command line raise it
// (docs/usage.md "Work limit"). A spec's units are counted before they are expanded and are
// at most kMaxSpecUnits (each unit is held in memory), whatever max_work says.

#include <cstdint>
#include <string>

namespace hopelab::params {

inline constexpr double kDefaultMaxWork = 1e12;
inline constexpr std::int64_t kMaxSpecUnits = 1'000'000;

// Throws InputError "WHAT needs WORK pair evaluations, beyond the work limit MAX_WORK (...)"
// when work > max_work. `what` names the request ("samples 1e9 x 1000 offsets x 64 pairs").
void check_work(double work, double max_work, const std::string& what);

// Throws InputError unless max_work is a finite number >= 1 (`key` names the key or flag).
void check_max_work(double max_work, const std::string& key);

}  // namespace hopelab::params
