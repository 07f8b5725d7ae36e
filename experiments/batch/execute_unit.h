#pragma once
// One work unit of an experiment, computed by its kind (kinds/registry.h) with theory/ and sim/
// functions (no new math), as a RunRecord: its settings as attributes (the fields of the kind's
// schema that apply, with units: kinds/record_form.h), the kind, unit name, seed and `seconds`,
// and its results as datasets with units.
// `hopelab kinds KIND` and docs/usage.md list the datasets of each kind.

#include <cstdint>
#include <vector>

#include "batch/spec.h"
#include "results/run_record.h"

namespace hopelab::batch {

// Builds everything execute_unit would (method, offsets, sampling, retrieval setup) and runs
// the engines' own checks; computes nothing. Throws InputError naming the bad value.
void validate_unit(const WorkUnit& unit);

// The record execute_unit starts from: unit_index, group, the attributes unit, run, kind and the
// effective seed, then the settings (kinds::settings_attributes); the kind's datasets and
// attributes and `seconds` follow. What a unit's numbers depend on (batch/checkpoints.h).
results::RunRecord unit_record(const WorkUnit& unit);

results::RunRecord execute_unit(const WorkUnit& unit);

// A unit that splits by sample ranges (kinds::Settings::parts), computed in pieces: the raw
// accumulators of parts [first, last), and the record from every part's accumulators in part
// order, equal to execute_unit's but for `seconds`, which is `part_seconds` (the pieces' compute
// time, wherever they ran) plus this merge's.
std::vector<double> execute_parts(const WorkUnit& unit, std::int64_t first, std::int64_t last);
results::RunRecord execute_unit_from_parts(const WorkUnit& unit, const std::vector<double>& accumulators,
                                           double part_seconds);

}  // namespace hopelab::batch
