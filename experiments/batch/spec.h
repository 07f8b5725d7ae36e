#pragma once
// An experiment spec (TOML, docs/usage.md "Batch experiments"): [experiment], [[run]] and
// [[claim]] tables, each run of one kind with an optional [run.sweep] whose arrays expand it to the
// cartesian product (first key slowest). parse_spec reads and expands a spec into work units in
// a fixed order (runs in file order, then sweep points) and validates every unit with the
// engines' own checks before anything is computed.
//
// Unit names: "<run>" without a sweep, else "<run>/<key>=<value>,<key>=<value>" over the sweep
// keys in order. HDF5 group: "/runs/" + the name with "/" -> "__", "=" -> "-", "," -> "__" and
// every character outside [A-Za-z0-9._-] -> "_" (fv/method=mrope,base=1e4 ->
// /runs/fv__method-mrope__base-1e4). Numbers print in their shortest form with a bare exponent
// (10000 -> 10000, 1e6 -> 1e6, 0.5 -> 0.5); arrays join their values with "_".

#include <cstdint>
#include <string>
#include <vector>

#include "batch/claim_fields.h"
#include "kinds/kind.h"
#include "params/experiment.h"
#include "params/work_limit.h"

namespace hopelab::batch {

struct WorkUnit {
  std::int64_t index = 0;     // unit_index: position in the expansion order
  std::int64_t run_index = 0; // the [[run]] it comes from (0-based)
  std::string run;            // the run's name
  std::string kind;           // "preference", ..., "mc-retrieval" (kinds/registry.h)
  std::string name;           // fv/method=mrope,base=1e4
  std::string group;          // /runs/fv__method-mrope__base-1e4
  std::uint64_t seed = 0;     // Philox seed (the run's, else the experiment's)
  kinds::UnitSettings settings;  // of that kind
};

// A [[claim]] table, checked after the units (batch/claims.h).
struct Claim {
  std::int64_t index = 0;  // claim[index] in the file
  ClaimFields fields;
};

struct Experiment {
  std::string path;  // the spec file as given
  std::string text;  // its full text (provenance, and the resume check)
  params::ExperimentParams fields;
  std::vector<WorkUnit> units;
  std::vector<Claim> claims;  // validated against the runs (rule, runs, parameters)
};

// Reads, expands and validates a spec. Throws InputError with one line naming the file, the
// key (run[2].base, run[0].sweep.method[1], ...) and what was expected.
Experiment parse_spec(const std::string& path);
// The same with [experiment] samples_factor set to `samples_factor` in the spec's text (the
// budget flag of hopelab run; 1 leaves the text alone). Refused when the spec sets it itself.
Experiment parse_spec(const std::string& path, std::int64_t samples_factor);
// The same from the spec's text (e.g. a results file's spec_text); `path` names it in errors.
Experiment parse_spec_text(const std::string& text, const std::string& path);

// One unit outside a spec (a computing command): named after its kind, seeded by its own seed
// field or 0 (a spec's default), checked as a spec's unit is, against the work limit `max_work`
// (params/work_limit.h). Throws InputError naming the value.
WorkUnit single_unit(kinds::UnitSettings settings, double max_work = params::kDefaultMaxWork);

// Each field of a unit as "key=value" (the printing visitor), in field order; unset optional
// fields, empty strings and the fields that do not apply (Settings::fields_not_applying: held at
// their defaults, absent from the unit's results group) left out.
std::vector<std::string> unit_settings(const WorkUnit& unit);

using params::number_name;

}  // namespace hopelab::batch
