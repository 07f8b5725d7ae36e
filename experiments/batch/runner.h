#pragma once
// The batch runner behind `hopelab run SPEC.toml`: expands a spec into work units
// (batch/spec.h), computes each with execute_unit, checkpoints every finished unit as its own
// results file in <out>.partial/unit-<index>.h5, and writes the final results file (all records
// in unit order, provenance with the spec's text) with write_results_file, then removes the
// work directory. SIGINT / SIGTERM stop it between units, or abandon the unit in progress,
// leaving the checkpoints for --resume (exit 130). Progress goes to stderr; a summary to stdout.

#include <cstdint>
#include <string>
#include <vector>

#include "batch/claims.h"
#include "results/results_file.h"

namespace hopelab::batch {

struct RunOptions {
  std::string spec_path;
  std::string output;             // empty: data/results/<name>.h5 (<name>.shard-i-of-n.h5 for a shard)
  bool resume = false;            // reuse the checkpoints of an interrupted run
  bool force = false;             // overwrite the output; discard a stale work directory
  bool dry_run = false;           // list the units (after validation) and compute nothing
  std::string shard;              // "i/n": units with unit_index % n == i; empty: all
  std::int64_t stop_after = -1;   // testing: stop as if interrupted after this many computed units
  std::int64_t samples_factor = 1;  // budget: Monte Carlo samples times this, written into the spec text
  std::string backend;            // auto, cpu or cuda; empty: the spec's [experiment] backend
};

// What a run did, for a caller that prints it itself (`hopelab run --json`).
struct RunSummary {
  std::string spec_name, output, shard;
  std::size_t units = 0, computed = 0, resumed = 0;  // of this shard
  std::int64_t units_total = 0;                      // of the whole spec
  double seconds = 0.0;
  bool already_complete = false;         // --resume found the finished output
  std::vector<std::string> planned;      // --dry-run: the units it would compute
  std::vector<ClaimResult> claims;
  results::Provenance provenance;        // of the file written
};

// Returns the exit status: 0 done, 130 stopped (checkpoints kept). Throws InputError for a bad
// spec, shard, or output conflict before anything is written. With `summary` the summary line,
// the dry-run listing and the claims table are not printed but returned there.
int run_experiment(const RunOptions& options, RunSummary* summary = nullptr);

}  // namespace hopelab::batch
