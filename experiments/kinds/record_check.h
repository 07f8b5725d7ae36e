#pragma once
// The structural check of a unit's record against its kind (kinds/registry.h): the record holds
// every dataset the kind declares (Kind::datasets) that is not optional, and no other, by name. `inspect`, `merge` and
// `run --resume` apply it to the records they read.

#include <string>

#include "results/run_record.h"

namespace hopelab::kinds {

// Throws InputError naming `source` (when not empty), the record and the missing or unexpected
// dataset. A record without a "kind" attribute (a training log, say) or of a kind this build does
// not know is not checked.
void check_record_datasets(const results::RunRecord& record, const std::string& source = "");

}  // namespace hopelab::kinds
