#pragma once
// The structural check of a unit's record against its kind (kinds/registry.h): the record holds
// every dataset the kind declares (Kind::datasets) that is not optional, and no other, by name,
// and each single number (DatasetName::scalar) as one value of rank 0 (in a file of format 1.0,
// results::legacy_form: shape (1), or (0) for an optional one). `inspect`, `merge` and
// `run --resume` apply it to the records they read.

#include <string>

#include "results/run_record.h"

namespace hopelab::kinds {

// Throws InputError naming `source` (when not empty), the record and the missing, unexpected or
// misshapen dataset. A record without a "kind" attribute (a training log, say) or of a kind this
// build does not know is not checked. `legacy`: the record was read from a file of format 1.0.
void check_record_datasets(const results::RunRecord& record, const std::string& source = "", bool legacy = false);

}  // namespace hopelab::kinds
