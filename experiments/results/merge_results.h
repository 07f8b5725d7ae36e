#pragma once
// Merging results files of one run (its shards, or partial re-runs) into one file:
// docs/hdf5-format.md, "Merging". Host only.

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "results/results_file.h"

namespace hopelab::results {

// A file that was read, with the name it is reported by.
struct NamedResults {
  std::string path;
  ResultsFile file;
};

// The union of `inputs` (at least one). Every input must have the first input's spec_text,
// seed, spec_name, units_total, rng and format major; a unit present in several inputs must be
// identical in each; unit indices must lie in 0..units_total-1. Otherwise throws InputError
// naming the file and the field or unit. The result's shard is "all" when every unit is present,
// else "partial (K of N units)"; hopelab_version, git_commit, host, backend and device are the
// inputs' common value or "mixed", git_dirty is true when any input's is, created_utc is
// `created_utc`.
ResultsFile merge_results(const std::vector<NamedResults>& inputs, const std::string& created_utc);

// Records computed from the merged content and written with it (the command line's /claims).
using DerivedRecords = std::function<std::vector<RunRecord>(const ResultsFile& merged)>;

// A check of each record read from `file` (the command line's kind check), which may also bring
// it to this format's form (a record of a format-1.0 file: kinds::current_form); throws InputError.
using RecordCheck = std::function<void(RunRecord& record, const ResultsFile& file)>;

// Reads `paths`, applies `check` (when given) to every record read, merges them and writes the
// result, plus `derived(merged)` when given, to `output` (refused if it exists unless
// `overwrite`). A record `check` refuses is InputError naming its file. Returns the merged content.
ResultsFile merge_results_files(const std::vector<std::string>& paths, const std::string& output, bool overwrite,
                                const DerivedRecords& derived = {}, const RecordCheck& check = {});

}  // namespace hopelab::results
