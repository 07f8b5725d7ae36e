// The progress of `hopelab run` (batch/run_progress.h): the remaining time follows the units'
// costs, not their count, and the redrawn line fits its width and names the running unit.

#include <gtest/gtest.h>

#include "batch/run_progress.h"

namespace hopelab::batch {
namespace {

TEST(CostModel, EstimatesFromWorkPerKind) {
  CostModel costs;
  EXPECT_FALSE(costs.estimate("mc-preference", 100).has_value()) << "nothing timed yet";
  costs.record("mc-preference", 1e6, 2.0);  // 2 us per unit of work
  costs.record("base-bound", 1e3, 5.0);     // 5 ms per unit of work
  EXPECT_DOUBLE_EQ(*costs.estimate("mc-preference", 5e6), 10.0);
  EXPECT_DOUBLE_EQ(*costs.estimate("base-bound", 2e3), 10.0);
  // A kind not yet timed: the rate over everything timed, (2 + 5) s / (1e6 + 1e3).
  EXPECT_DOUBLE_EQ(*costs.estimate("sign-flip", 1001), 1001 * 7.0 / 1001000.0);
  // Kinds without a work measure: seconds per unit.
  costs.record("critical-length", 0, 0.5);
  costs.record("critical-length", 0, 1.5);
  EXPECT_DOUBLE_EQ(*costs.estimate("critical-length", 0), 1.0);
}

TEST(RunProgress, RemainingTimeFollowsCostsNotCounts) {
  // Three units of one kind: a small one timed at 1 s, then a ten times and a hundred times
  // larger one. Counting would say 2 s are left; the costs say 110 s.
  RunProgress progress({{"small", "k", 1.0}, {"ten", "k", 10.0}, {"hundred", "k", 100.0}}, false);
  EXPECT_FALSE(progress.remaining().has_value());
  progress.done(0, 1.0, false);
  ASSERT_TRUE(progress.remaining().has_value());
  EXPECT_NEAR(*progress.remaining(), 110.0, 1e-9);
  // A unit read from its checkpoint teaches nothing about costs, but is no longer left.
  progress.done(1, 0.0, true);
  EXPECT_NEAR(*progress.remaining(), 100.0, 1e-9);
}

TEST(ProgressLine, FitsItsWidthAndNamesTheRunningUnit) {
  const std::string line = progress_line(3, 10, "bound-512k/context_length=524288", 72.0, 330.0, 100);
  EXPECT_LE(line.size(), 100u);
  EXPECT_NE(line.find("3/10"), std::string::npos) << line;
  EXPECT_NE(line.find("bound-512k/context_length=524288 1m12s"), std::string::npos) << line;
  EXPECT_NE(line.find("ETA 5m30s"), std::string::npos) << line;
  const std::string narrow = progress_line(3, 10, std::string(200, 'u') + "\n\x1b", 1.0, std::nullopt, 60);
  EXPECT_LE(narrow.size(), 60u) << narrow;
  EXPECT_EQ(narrow.find('\x1b'), std::string::npos) << "control characters are escaped";
  EXPECT_NE(narrow.find("ETA ?"), std::string::npos) << narrow;
}

}  // namespace
}  // namespace hopelab::batch
