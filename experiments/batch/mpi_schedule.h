#pragma once
// The order in which a distributed run hands out its units (batch/mpi_runner.h). Units differ
// in cost by orders of magnitude, so they go out longest estimated cost first (Graham's LPT
// rule) to whichever process is free next: with exact costs the run takes at most 4/3 of the
// best possible time, and a wrong estimate only costs the tail. A unit that splits by sample
// ranges (kinds::Settings::parts) and is large beside the processes' share of the work is cut
// into contiguous pieces of near-equal part counts, each a task of its own.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace hopelab::batch::mpi {

struct UnitCost {
  double cost = 0.0;        // estimated seconds (kinds::Settings::cost)
  std::int64_t parts = 0;   // parts of a unit that splits, else 0
};

struct Task {
  std::size_t unit = 0;              // position in the list of units given
  bool piece = false;                // parts [first, last) of a split unit; else the whole unit
  std::int64_t first = 0, last = 0;
  double cost = 0.0;                 // estimated seconds of this task
};

// Pieces of a split unit cost about total / (kPiecesPerRank x ranks) each.
inline constexpr int kPiecesPerRank = 4;

// The tasks for `ranks` processes, in the order they are handed out: by estimated cost,
// largest first (ties: unit, then first part). A splittable unit of cost c is cut into
// min(parts, ceil(c / (total / (kPiecesPerRank ranks)))) pieces when that is more than one;
// nothing is cut for one process.
std::vector<Task> schedule_tasks(const std::vector<UnitCost>& units, int ranks);

}  // namespace hopelab::batch::mpi
