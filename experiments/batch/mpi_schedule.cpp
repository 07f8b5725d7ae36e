#include "batch/mpi_schedule.h"

#include <algorithm>
#include <cmath>

namespace hopelab::batch::mpi {

std::vector<Task> schedule_tasks(const std::vector<UnitCost>& units, int ranks) {
  double total = 0.0;
  for (const UnitCost& u : units) total += std::max(0.0, u.cost);
  const double piece_cost = total / (static_cast<double>(kPiecesPerRank) * std::max(1, ranks));
  std::vector<Task> tasks;
  for (std::size_t i = 0; i < units.size(); ++i) {
    const double cost = std::max(0.0, units[i].cost);
    std::int64_t pieces = 1;
    if (ranks > 1 && units[i].parts > 1 && piece_cost > 0.0 && cost > piece_cost) {
      pieces = std::min<std::int64_t>(units[i].parts, static_cast<std::int64_t>(std::ceil(cost / piece_cost)));
    }
    if (pieces == 1) {
      tasks.push_back({i, false, 0, 0, cost});
      continue;
    }
    const std::int64_t parts = units[i].parts;
    for (std::int64_t k = 0; k < pieces; ++k) {
      const std::int64_t first = k * parts / pieces, last = (k + 1) * parts / pieces;
      tasks.push_back({i, true, first, last, cost * static_cast<double>(last - first) / static_cast<double>(parts)});
    }
  }
  std::stable_sort(tasks.begin(), tasks.end(), [](const Task& a, const Task& b) { return a.cost > b.cost; });
  return tasks;
}

}  // namespace hopelab::batch::mpi
