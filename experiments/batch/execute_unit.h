#pragma once
// One work unit of an experiment, computed by its kind (kinds/registry.h) with theory/ and sim/
// functions (no new math), as a RunRecord: its settings as attributes (every field of the kind's
// schema), the kind, unit name, seed and `seconds`, and its results as datasets with units.
// `hopelab kinds KIND` and docs/usage.md list the datasets of each kind.

#include "batch/spec.h"
#include "results/run_record.h"

namespace hopelab::batch {

// Builds everything execute_unit would (method, offsets, sampling, retrieval setup) and runs
// the engines' own checks; computes nothing. Throws InputError naming the bad value.
void validate_unit(const WorkUnit& unit);

results::RunRecord execute_unit(const WorkUnit& unit);

}  // namespace hopelab::batch
