#pragma once
// A unit's record and a build's provenance as people and programs read them on stdout: JSON
// (`--json` of inspect and of the computing commands) and aligned text.

#include <iosfwd>

#include <vector>

#include "batch/claims.h"
#include "output/cli_output.h"
#include "results/results_file.h"
#include "results/run_record.h"

namespace hopelab::cli {

// Every provenance field of a build and run (spec_text only when `with_spec_text`).
Json provenance_json(const results::Provenance& p, bool with_spec_text = false);

// A dataset: {name, shape, type, unit, description} and, with `with_values`, its values.
Json dataset_json(const results::Dataset& d, bool with_values);

// Claims as a JSON array: one object per claim with every column (numbers null where NaN).
Json claims_json(const std::vector<batch::ClaimResult>& claims);

// The 95 % Wilson interval of a rate measured over `trials` samples, "[low, high]" (theory/binomial.h):
// what tables show beside a win probability or a hit rate (never zero width at 0 or 1).
std::string wilson_text(double rate, double trials);

// "int64", "float64" or "string".
const char* dataset_type_name(const results::Dataset& d);

// The record's datasets as a table: name, unit, shape, values (the first `shown` of each).
void print_datasets(const results::RunRecord& r, std::ostream& out, std::size_t shown = 8);

}  // namespace hopelab::cli
