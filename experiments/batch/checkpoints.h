#pragma once
// A run's checkpoints: each finished unit as a results file of its own, <out>.partial/unit-<index>.h5,
// its one record carrying its checksum (results/record_checksum.h). `--resume` reuses a checkpoint
// exactly when its record is the one the unit would compute now. A unit's numbers are a function
// of its kind, its settings and its effective seed alone (every draw is keyed by (seed, stream),
// and the streams are constants of each engine, never a unit's index or place in the spec), and
// of the build and backend that compute them; so a checkpoint is reused when
//   - its record is the unit's: the same group, and the attributes unit_record writes (unit, run,
//     kind, seed, every setting that applies, samples as scaled) equal, unit for unit, with no
//     setting the unit now leaves absent or inapplicable (unit_difference), and
//   - it was written by this build on this backend, for this shard, in this format
//     (source_difference: format_version, hopelab_version, git_commit, git_dirty, instruction_set,
//     rng, backend, device, shard). The device counts on the CPU too: the C math library picks its
//     code for exp, sin, cos by the CPU it runs on, and the last bits may follow.
// The rest of the spec's text may differ: comments, claims, other runs, runs inserted or reordered.
// Checkpoints are matched to units by group, not by file name, so a unit whose index moved keeps
// its checkpoint (its record takes the new index, and is written again under unit-<new index>.h5).
// A file a unit reads (an empirical pool, a model checkpoint) is taken to be unchanged.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "batch/spec.h"
#include "results/results_file.h"

namespace hopelab::batch {

// <work>/unit-<index>.h5
std::string checkpoint_path(const std::string& work, std::int64_t unit_index);

// Writes `record` with its checksum as the checkpoint of its unit (atomically, replacing one there).
void write_checkpoint(const std::string& work, const results::Provenance& provenance, const results::RunRecord& record);

// Why `stored` (a checkpoint's record, checksum removed) is not the record `unit` would get before
// its results, or "" when it is: the first difference, as "samples 4000, was 2000".
std::string unit_difference(const results::RunRecord& stored, const WorkUnit& unit);

// Why a checkpoint file written with `stored` (its format version and provenance) cannot stand for
// a computation of this run, whose provenance is `now`, or "" when it can: the first field that
// differs, as "git_commit 9c1d..., was 3f2a...".
std::string source_difference(const std::vector<std::int64_t>& format_version, const results::Provenance& stored,
                              const results::Provenance& now);

struct Resumed {
  std::map<std::int64_t, results::RunRecord> records;  // unit index -> its record (unit_index the unit's)
  std::vector<std::string> notes;  // a checkpoint that cannot be read or is damaged: one line each
  // "resume: 12 units from checkpoints, 3 recomputed (run 'mc' (3 units): samples 4000, was 2000),
  // 0 without a checkpoint"
  std::string summary;
};

// The checkpoints in `work` that `units` (this run's, in order) can reuse, as above. Every file
// unit-<N>.h5 is read; a damaged one (unreadable, not one record, checksum missing or wrong, datasets
// not its kind's) is never used. A reused checkpoint found under another unit's file name is
// written again under its unit's (with `now`, this run's provenance).
Resumed resume_from_checkpoints(const std::string& work, const std::vector<const WorkUnit*>& units,
                                const results::Provenance& now);

}  // namespace hopelab::batch
