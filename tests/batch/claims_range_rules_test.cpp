// The claims rules over a dataset's values: value-in-range (every value in [low, high]) and
// increasing / decreasing (the first value of each unit, in unit order, strictly monotone), each
// with a case on both sides of every boundary (helpers and the spec: claims_test_support.h).

#include "claims_test_support.h"

namespace hopelab::batch {
namespace {

using namespace claims_test;

RunRecord fv_record(const Experiment& ex, const std::string& run, size_t k, std::int64_t first) {
  RunRecord r = unit_record(ex, run, k);
  r.datasets.push_back(integers(fv::kFirstViolation, {first}));
  return r;
}

TEST(ValueInRange, BothEndsIncluded) {
  const Experiment ex =
      spec_with(claim_toml("value-in-range", {"fv"}, "dataset = \"first_violation\"\nrange = [10, 20]\n"));
  const struct {
    const char* name;
    std::int64_t value;
    const char* verdict;
  } cases[] = {
      {"10 = low", 10, kHolds},  {"9 = low - 1", 9, kFails},   {"20 = high", 20, kHolds},
      {"21 = high + 1", 21, kFails}, {"15 inside", 15, kHolds}, {"-1 (none)", -1, kFails},
  };
  for (const auto& c : cases) {
    EXPECT_TRUE(verdict_is(c.name, evaluate_one(ex, {fv_record(ex, "fv", 0, c.value)}), c.verdict));
  }
  EXPECT_TRUE(verdict_is("no record", evaluate_one(ex, {}), kNotAvailable));
  EXPECT_TRUE(verdict_is("record without the dataset", evaluate_one(ex, {unit_record(ex, "fv", 0)}), kNotAvailable));
}

TEST(ValueInRange, EveryUnitAndTheirValuesListed) {
  const Experiment ex =
      spec_with(claim_toml("value-in-range", {"fv2"}, "dataset = \"first_violation\"\nrange = [1, 100]\n"));
  const ClaimResult ok = evaluate_one(ex, {fv_record(ex, "fv2", 0, 5), fv_record(ex, "fv2", 1, 100)});
  EXPECT_TRUE(verdict_is("5, 100", ok, kHolds));
  EXPECT_NE(ok.computed.find("5"), std::string::npos) << ok.computed;
  EXPECT_NE(ok.computed.find("100"), std::string::npos) << ok.computed;
  EXPECT_TRUE(verdict_is("5, 101 (last unit out)", evaluate_one(ex, {fv_record(ex, "fv2", 0, 5), fv_record(ex, "fv2", 1, 101)}),
                         kFails));
  EXPECT_TRUE(verdict_is("0, 100 (first unit out)", evaluate_one(ex, {fv_record(ex, "fv2", 0, 0), fv_record(ex, "fv2", 1, 100)}),
                         kFails));
}

TEST(ValueInRange, RefusesABadRange) {
  const char* bad[] = {"range = [2, 1]\n", "range = [1]\n", "range = [1, 2, 3]\n", ""};
  for (const char* r : bad) {
    EXPECT_THROW(spec_with(claim_toml("value-in-range", {"fv"}, std::string("dataset = \"first_violation\"\n") + r)),
                 InputError)
        << r;
  }
  EXPECT_THROW(spec_with(claim_toml("value-in-range", {"fv"}, "dataset = \"no_such\"\nrange = [1, 2]\n")), InputError);
}

TEST(Monotone, StrictInUnitOrder) {
  const Experiment up = spec_with(claim_toml("increasing", {"fv2"}, "dataset = \"first_violation\"\n"));
  const Experiment down = spec_with(claim_toml("decreasing", {"fv2"}, "dataset = \"first_violation\"\n"));
  const struct {
    const char* name;
    std::int64_t a, b;
    const char* increasing;
    const char* decreasing;
  } cases[] = {
      {"1 -> 2", 1, 2, kHolds, kFails},
      {"2 -> 1", 2, 1, kFails, kHolds},
      {"2 -> 2 (not strict)", 2, 2, kFails, kFails},
  };
  for (const auto& c : cases) {
    EXPECT_TRUE(verdict_is(c.name, evaluate_one(up, {fv_record(up, "fv2", 0, c.a), fv_record(up, "fv2", 1, c.b)}), c.increasing));
    EXPECT_TRUE(verdict_is(c.name, evaluate_one(down, {fv_record(down, "fv2", 0, c.a), fv_record(down, "fv2", 1, c.b)}),
                           c.decreasing));
  }
  EXPECT_TRUE(verdict_is("unit 1 absent", evaluate_one(up, {fv_record(up, "fv2", 0, 1)}), kNotAvailable));
}

TEST(Monotone, AcrossRunsInTheirOrder) {
  const Experiment ex = spec_with(claim_toml("decreasing", {"fv", "fv2"}, "dataset = \"first_violation\"\n"));
  EXPECT_TRUE(verdict_is("9 -> 5 -> 3",
                         evaluate_one(ex, {fv_record(ex, "fv", 0, 9), fv_record(ex, "fv2", 0, 5), fv_record(ex, "fv2", 1, 3)}),
                         kHolds));
  EXPECT_TRUE(verdict_is("4 -> 5 -> 3 (the run boundary rises)",
                         evaluate_one(ex, {fv_record(ex, "fv", 0, 4), fv_record(ex, "fv2", 0, 5), fv_record(ex, "fv2", 1, 3)}),
                         kFails));
}

}  // namespace
}  // namespace hopelab::batch
