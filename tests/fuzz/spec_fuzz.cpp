// Fuzz target over the spec reader (experiments/batch/spec.cpp, parse_spec_text): a TOML text is
// accepted (every unit built and checked) or refused with InputError; anything else is a bug.
// An accepted spec must also (fuzz_target.h's round trip):
//   1. read the same a second time (units, groups, seeds, settings, claims);
//   2. number its units 0..n-1 with distinct HDF5 groups (two units in one group would overwrite
//      each other's results);
//   3. describe each unit in its results attributes: the settings read back from
//      settings_attributes (kinds/record_form.h) are the unit's, which plot, merge and resume rely on.
// A broken invariant aborts with one line naming it and the unit.

#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "batch/spec.h"
#include "fuzz_target.h"
#include "kinds/record_form.h"
#include "theory/input_error.h"

namespace hopelab {
namespace {

[[noreturn]] void invariant_broken(const char* what, const std::string& unit) {
  std::fprintf(stderr, "fuzz invariant broken: %s (unit '%s')\n", what, unit.c_str());
  std::abort();
}

// The unit's settings as "key=value" lines without its own seed field: execute_unit stores the
// unit's effective seed instead, so settings_from_record leaves the field unset.
std::vector<std::string> settings_but_seed(const batch::WorkUnit& unit) {
  std::vector<std::string> lines;
  for (const std::string& line : batch::unit_settings(unit)) {
    if (line.rfind("seed=", 0) != 0) lines.push_back(line);
  }
  return lines;
}

void check_same_reading(const batch::Experiment& first, const batch::Experiment& second) {
  if (first.units.size() != second.units.size()) invariant_broken("unit count changed on a second reading", "");
  if (first.claims.size() != second.claims.size()) invariant_broken("claim count changed on a second reading", "");
  for (size_t i = 0; i < first.units.size(); ++i) {
    const batch::WorkUnit &a = first.units[i], &b = second.units[i];
    if (a.name != b.name || a.group != b.group || a.kind != b.kind || a.seed != b.seed || a.run != b.run ||
        batch::unit_settings(a) != batch::unit_settings(b)) {
      invariant_broken("a unit changed on a second reading", a.name);
    }
  }
}

void check_units_numbered_in_distinct_groups(const batch::Experiment& ex) {
  std::set<std::string> groups;
  for (size_t i = 0; i < ex.units.size(); ++i) {
    const batch::WorkUnit& unit = ex.units[i];
    if (unit.index != static_cast<std::int64_t>(i)) invariant_broken("unit_index is not its position", unit.name);
    if (!groups.insert(unit.group).second) invariant_broken("two units share one HDF5 group", unit.name);
  }
}

void check_settings_round_trip(const batch::WorkUnit& unit) {
  results::RunRecord record;
  record.group = unit.group;
  record.attributes.push_back({"kind", unit.kind});
  for (results::Attribute& a : kinds::settings_attributes(*unit.settings)) record.attributes.push_back(std::move(a));
  batch::WorkUnit read_back = unit;
  try {
    read_back.settings = kinds::settings_from_record(record);
  } catch (const InputError&) {
    invariant_broken("the unit's own attributes were refused on reading", unit.name);
  }
  if (settings_but_seed(read_back) != settings_but_seed(unit)) {
    invariant_broken("settings read back from the attributes differ from the unit's", unit.name);
  }
}

}  // namespace

FuzzOutcome fuzz_one_input(const std::uint8_t* data, std::size_t size) {
  const std::string text(data, data + size);
  batch::Experiment first;
  try {
    first = batch::parse_spec_text(text, "fuzz.toml");
  } catch (const InputError&) {
    return FuzzOutcome::refused;
  }
  check_same_reading(first, batch::parse_spec_text(text, "fuzz.toml"));
  check_units_numbered_in_distinct_groups(first);
  for (const batch::WorkUnit& unit : first.units) check_settings_round_trip(unit);
  return FuzzOutcome::accepted;
}

long fuzz_length_field(const std::uint8_t*, std::size_t) { return -1; }

}  // namespace hopelab

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  hopelab::fuzz_one_input(data, size);
  return 0;
}
