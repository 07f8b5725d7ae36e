// The schedule of a distributed run (batch/mpi_schedule.h): tasks go out largest estimated cost
// first; a splittable unit large beside the share of each process is cut into contiguous pieces
// that cover its parts once, small ones and any unit for one process are not; handed to
// whichever process is free next, the order finishes a skewed spec in the time of its longest
// unit where a static round-robin takes half again as long (the twin).

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <vector>

#include "batch/mpi_schedule.h"

namespace hopelab::batch::mpi {
namespace {

// The time `ranks` processes take when each task goes to the first free one, in list order.
double greedy_makespan(const std::vector<double>& costs, int ranks) {
  std::vector<double> free_at(static_cast<std::size_t>(ranks), 0.0);
  for (double c : costs) *std::min_element(free_at.begin(), free_at.end()) += c;
  return *std::max_element(free_at.begin(), free_at.end());
}

// Unit i to process i mod ranks, the static split of --shard.
double round_robin_makespan(const std::vector<double>& costs, int ranks) {
  std::vector<double> load(static_cast<std::size_t>(ranks), 0.0);
  for (std::size_t i = 0; i < costs.size(); ++i) load[i % static_cast<std::size_t>(ranks)] += costs[i];
  return *std::max_element(load.begin(), load.end());
}

TEST(MpiSchedule, LargestFirstWithStableTies) {
  const std::vector<UnitCost> units = {{1.0, 0}, {5.0, 0}, {1.0, 0}, {3.0, 0}};
  const std::vector<Task> tasks = schedule_tasks(units, 2);
  ASSERT_EQ(tasks.size(), 4u);
  const std::vector<std::size_t> order = {tasks[0].unit, tasks[1].unit, tasks[2].unit, tasks[3].unit};
  EXPECT_EQ(order, (std::vector<std::size_t>{1, 3, 0, 2}));
  for (const Task& t : tasks) EXPECT_FALSE(t.piece);
}

TEST(MpiSchedule, LargeSplittableUnitsAreCutIntoContiguousPieces) {
  // One unit of 256 parts alone: kPiecesPerRank x 4 pieces covering [0, 256) once.
  std::vector<Task> tasks = schedule_tasks({{100.0, 256}}, 4);
  ASSERT_EQ(tasks.size(), static_cast<std::size_t>(kPiecesPerRank * 4));
  std::sort(tasks.begin(), tasks.end(), [](const Task& a, const Task& b) { return a.first < b.first; });
  std::int64_t at = 0;
  double cost = 0.0;
  for (const Task& t : tasks) {
    EXPECT_TRUE(t.piece);
    EXPECT_EQ(t.first, at);
    EXPECT_GT(t.last, t.first);
    EXPECT_LE(t.last - t.first, 256 / (kPiecesPerRank * 4) + 1);
    at = t.last;
    cost += t.cost;
  }
  EXPECT_EQ(at, 256);
  EXPECT_NEAR(cost, 100.0, 1e-9);
  // Never more pieces than parts.
  EXPECT_EQ(schedule_tasks({{100.0, 3}}, 64).size(), 3u);
  // One process: nothing is cut.
  ASSERT_EQ(schedule_tasks({{100.0, 256}}, 1).size(), 1u);
  EXPECT_FALSE(schedule_tasks({{100.0, 256}}, 1)[0].piece);
  // A splittable unit small beside the share of each process stays whole; a large one is cut.
  std::vector<UnitCost> mixed(40, UnitCost{1.0, 256});
  mixed.push_back({60.0, 256});
  tasks = schedule_tasks(mixed, 2);  // share of a piece: 100 / 8 = 12.5
  std::size_t pieces = 0;
  for (const Task& t : tasks) {
    if (t.piece) {
      EXPECT_EQ(t.unit, 40u);
      ++pieces;
    }
  }
  EXPECT_EQ(pieces, 5u);  // ceil(60 / 12.5)
  EXPECT_EQ(tasks.size(), 45u);
}

TEST(MpiSchedule, SkewedCostsFinishInTheLongestUnitAndRoundRobinDoesNot) {
  // A spec in file order: one unit of 64 s among 63 of 1 s (a base bound at 1M beside small ones).
  std::vector<UnitCost> units(64, UnitCost{1.0, 0});
  units[1].cost = 64.0;
  std::vector<double> file_order, scheduled;
  for (const UnitCost& u : units) file_order.push_back(u.cost);
  for (const Task& t : schedule_tasks(units, 2)) scheduled.push_back(t.cost);
  EXPECT_DOUBLE_EQ(greedy_makespan(scheduled, 2), 64.0);        // the best possible: the longest unit
  EXPECT_DOUBLE_EQ(round_robin_makespan(file_order, 2), 95.0);  // the twin: 64 + 31 on one process
  // Any list schedule of the tasks stays within total / R + the longest task (Graham).
  std::vector<UnitCost> mixed;
  for (int i = 0; i < 200; ++i) mixed.push_back({static_cast<double>((i * 7919) % 97 + 1) * (i % 13 == 0 ? 50 : 1), i % 3 == 0 ? 256 : 0});
  for (int ranks : {2, 3, 8, 64}) {
    std::vector<double> costs;
    for (const Task& t : schedule_tasks(mixed, ranks)) costs.push_back(t.cost);
    const double total = std::accumulate(costs.begin(), costs.end(), 0.0);
    const double longest = *std::max_element(costs.begin(), costs.end());
    EXPECT_LE(greedy_makespan(costs, ranks), total / ranks + longest + 1e-9) << ranks << " ranks";
    EXPECT_TRUE(std::is_sorted(costs.rbegin(), costs.rend())) << ranks << " ranks";
  }
}

}  // namespace
}  // namespace hopelab::batch::mpi
