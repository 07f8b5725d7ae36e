#pragma once
// `hopelab run` across the processes of an MPI job (docs/usage.md "Running on a cluster").
// Rank 0 is the runner of batch/runner.h as one process would run it: it reads the spec, takes
// what the checkpoints hold, writes every checkpoint and the results file. The units left go
// out as tasks (batch/mpi_schedule.h), one at a time to whichever process is free, rank 0's
// own worker thread included; a unit cut into pieces by sample ranges is computed by several,
// and rank 0 merges the pieces' accumulators in part order (the engines' Chan merge), so each
// record is the one a single process computes, bit for bit, for any number of processes. The
// other ranks compute what they are given (serve) and write nothing.
//
// Faults: a stop signal to rank 0 (mpirun passes Ctrl-C on as SIGTERM, and sends SIGTERM when
// a process of the job dies) prints the runner's stop message naming the unit each rank was
// computing, and which rank died when its process (on this host) is gone; the checkpoints stay
// for --resume, with any number of processes.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "batch/mpi_world.h"
#include "batch/spec.h"
#include "results/run_record.h"

namespace hopelab::batch::mpi {

struct Distribution {
  const Experiment* experiment = nullptr;
  std::vector<const WorkUnit*> units;  // to compute, in unit order
  std::int64_t stop_after = -1;        // stop, as if interrupted, after this many computed units
  // Each finished record, on rank 0's main thread: its checkpoint, and progress.
  std::function<void(const WorkUnit&, results::RunRecord)> done;
  std::function<bool()> stop_requested;  // a stop signal arrived
  // The runner's stop message, "hopelab run: stopped (WHERE): ..." with its resume command.
  std::function<std::string(const std::string& where)> stopped_message;
};

// Rank 0: computes the units across the world and returns when all are done. After
// stop_after computed units, or on a stop request, prints the stop message and ends the process
// with 130 at once (its own worker thread may be computing). A unit's error on any rank ends the
// process like main's handler would (exit 2 for bad input, 1 otherwise), naming rank and unit;
// so does an error of rank 0's own (a checkpoint it cannot write).
// Every other rank is released before it returns or ends.
void coordinate(World& world, const Distribution& d);

// Ranks other than 0: computes what rank 0 hands out until rank 0 releases it, then leaves
// the job and ends the process with status 0 (the job's status is rank 0's: mpirun ends the
// whole job when a rank ends non-zero, which could cut rank 0 off before its error line).
// Writes nothing, prints nothing.
[[noreturn]] void serve(World& world);

// Rank 0: tells every other rank to end and leaves the job; once (later calls, and calls in a
// world of one, do nothing). Never throws.
void release(World& world) noexcept;

// Releases the other ranks when rank 0 leaves the runner early (a bad spec, a dry run, an
// output conflict); rank 0 then prints its error line and ends with the job's status.
class ReleaseOnExit {
 public:
  explicit ReleaseOnExit(World& world) : world_(world) {}
  ~ReleaseOnExit() { release(world_); }
  ReleaseOnExit(const ReleaseOnExit&) = delete;
  ReleaseOnExit& operator=(const ReleaseOnExit&) = delete;

 private:
  World& world_;
};

}  // namespace hopelab::batch::mpi
