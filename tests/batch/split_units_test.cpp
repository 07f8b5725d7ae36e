// Units computed in pieces (batch/execute_unit.h, kinds::Settings::parts): an mc-preference
// unit's record from its parts' accumulators, however they are grouped into pieces, equals the
// record execute_unit computes in one piece, bit for bit (all but `seconds`); pieces joined out
// of part order give another record and a missing piece is refused (the twins). Kinds that do
// not split say so. Cost estimates grow with the work they estimate.

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "batch/execute_unit.h"
#include "batch/spec.h"

namespace hopelab::batch {
namespace {

const char* kSpec = R"([experiment]
name = "split"
seed = 9

[[run]]
name = "mc"
kind = "mc-preference"
method = "mrope"
head_dim = 32
offsets = "0:3000:1000"
samples = 3000

[[run]]
name = "fv"
kind = "first-violation"
method = "mrope"
limit = 1000

[[run]]
name = "bound"
kind = "base-bound"
[run.sweep]
context_length = [1000, 1000000]

[[run]]
name = "niah"
kind = "vlm-niah"
method = "mrope"
)";

// The record without its timing.
results::RunRecord untimed(results::RunRecord r) {
  auto& a = r.attributes;
  a.erase(std::remove_if(a.begin(), a.end(), [](const results::Attribute& x) { return x.name == "seconds"; }), a.end());
  return r;
}

// Accumulators of the pieces [cuts[k], cuts[k + 1]) joined in the order given.
std::vector<double> pieces(const WorkUnit& unit, const std::vector<std::pair<std::int64_t, std::int64_t>>& ranges) {
  std::vector<double> all;
  for (const auto& [first, last] : ranges) {
    const std::vector<double> piece = execute_parts(unit, first, last);
    all.insert(all.end(), piece.begin(), piece.end());
  }
  return all;
}

TEST(SplitUnits, AnyGroupingOfPartsGivesTheSameRecordBitForBit) {
  const Experiment ex = parse_spec_text(kSpec, "split.toml");
  const WorkUnit& mc = ex.units[0];
  ASSERT_EQ(mc.settings->parts(), 256);
  const results::RunRecord whole = untimed(execute_unit(mc));
  const std::vector<std::vector<std::pair<std::int64_t, std::int64_t>>> groupings = {
      {{0, 256}}, {{0, 1}, {1, 255}, {255, 256}}, {{0, 100}, {100, 100}, {100, 256}}};
  for (const auto& ranges : groupings) {
    const results::RunRecord split = untimed(execute_unit_from_parts(mc, pieces(mc, ranges), 0.0));
    EXPECT_TRUE(split == whole) << ranges.size() << " pieces";
  }
  std::vector<std::pair<std::int64_t, std::int64_t>> sixteen;
  for (std::int64_t k = 0; k < 16; ++k) sixteen.push_back({k * 16, k * 16 + 16});
  EXPECT_TRUE(untimed(execute_unit_from_parts(mc, pieces(mc, sixteen), 0.0)) == whole);

  // The twins: pieces out of part order merge to other bits; a missing piece is refused.
  EXPECT_FALSE(untimed(execute_unit_from_parts(mc, pieces(mc, {{128, 256}, {0, 128}}), 0.0)) == whole);
  EXPECT_THROW(execute_unit_from_parts(mc, pieces(mc, {{1, 256}}), 0.0), std::logic_error);
  EXPECT_THROW(execute_unit_from_parts(mc, pieces(mc, {{0, 255}}), 0.0), std::logic_error);  // an empty part
  // `seconds` is the pieces' time plus the merge's.
  const results::RunRecord timed = execute_unit_from_parts(mc, pieces(mc, {{0, 256}}), 100.0);
  EXPECT_GE(results::number_attribute(timed, "seconds", 0.0), 100.0);
}

TEST(SplitUnits, OtherKindsDoNotSplit) {
  const Experiment ex = parse_spec_text(kSpec, "split.toml");
  for (std::size_t i = 1; i < ex.units.size(); ++i) {
    EXPECT_EQ(ex.units[i].settings->parts(), 0) << ex.units[i].name;
    EXPECT_THROW(execute_parts(ex.units[i], 0, 1), std::logic_error) << ex.units[i].name;
  }
}

TEST(SplitUnits, CostsGrowWithTheirWork) {
  const Experiment ex = parse_spec_text(kSpec, "split.toml");
  for (const WorkUnit& u : ex.units) EXPECT_GT(u.settings->cost(), 0.0) << u.name;
  const double mc = ex.units[0].settings->cost(), fv = ex.units[1].settings->cost();
  const double bound_1k = ex.units[2].settings->cost(), bound_1m = ex.units[3].settings->cost();
  const double niah = ex.units[4].settings->cost();
  EXPECT_NEAR(bound_1m / bound_1k, 1000.0, 1e-9);  // linear in the context length
  // Measured on paper.toml and vniah.toml (docs/perf.md): a base bound at 1M takes about 20 s, a
  // default V-NIAH unit (600 steps) about 20 s, a small Monte Carlo unit and a short scan far less.
  EXPECT_GT(bound_1m, 10.0);
  EXPECT_LT(bound_1m, 60.0);
  EXPECT_GT(niah, 1.0);
  EXPECT_LT(mc, 1.0);
  EXPECT_LT(fv, 1.0);
}

}  // namespace
}  // namespace hopelab::batch
