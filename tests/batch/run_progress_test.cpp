// The progress of `hopelab run` (batch/run_progress.h): the remaining time follows the units'
// costs, not their count, and the redrawn line fits its width and names the running unit.

#include <gtest/gtest.h>

#include "batch/run_progress.h"

namespace hopelab::batch {
namespace {

TEST(CostModel, ScalesEachUnitsCostByWhatItsKindTookHere) {
  CostModel costs;
  // Nothing timed yet: the cost itself (seconds on the reference machine).
  EXPECT_DOUBLE_EQ(costs.estimate("mc-preference", 3.0), 3.0);
  costs.record("mc-preference", 2.0, 4.0);  // this machine is half as fast for it
  costs.record("base-bound", 10.0, 5.0);    // and twice as fast for this one
  EXPECT_DOUBLE_EQ(costs.estimate("mc-preference", 3.0), 6.0);
  EXPECT_DOUBLE_EQ(costs.estimate("base-bound", 3.0), 1.5);
  // A kind not yet timed: the ratio over everything timed, (4 + 5) s / (2 + 10).
  EXPECT_DOUBLE_EQ(costs.estimate("sign-flip", 4.0), 4.0 * 9.0 / 12.0);
}

TEST(RunProgress, RemainingTimeFollowsCostsNotCounts) {
  // Three units of one kind costing 1, 10 and 100; the first takes 2 s here. Counting would say
  // 4 s are left; the costs say 220 s.
  RunProgress progress({{"small", "k", 1.0}, {"ten", "k", 10.0}, {"hundred", "k", 100.0}}, false);
  EXPECT_NEAR(progress.remaining(), 111.0, 1e-9) << "before any timing: the costs";
  progress.done(0, 2.0, false);
  EXPECT_NEAR(progress.remaining(), 220.0, 1e-9);
  // A unit read from its checkpoint teaches nothing about costs, but is no longer left.
  progress.done(1, 0.0, true);
  EXPECT_NEAR(progress.remaining(), 200.0, 1e-9);
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
