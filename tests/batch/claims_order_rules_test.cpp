// The claims rules over violations, orderings and the sign-flip lemma: never-violated,
// violated-before, dominates, sign-flip-lemma, and assumption over an inner rule
// (helpers and the spec: claims_test_support.h).

#include "claims_test_support.h"

namespace hopelab::batch {
namespace {

using namespace claims_test;

// ---- never-violated / violated-before: first_violation = -1 / in [1, expected] --------------------

RunRecord fv_record(const Experiment& ex, const std::string& run, size_t k, std::int64_t first, std::int64_t proven = 0) {
  RunRecord r = unit_record(ex, run, k);
  r.datasets.push_back(integers(fv::kFirstViolation, {first}));
  r.datasets.push_back(integers(fv::kProvenNever, {proven}));
  return r;
}

TEST(NeverViolated, MinusOneHoldsAnyDistanceFails) {
  const Experiment ex = spec_with(claim_toml("never-violated", {"fv"}));
  const struct {
    const char* name;
    std::int64_t first, proven;
    const char* verdict;
  } cases[] = {
      {"-1, proven never", -1, 1, kHolds},
      {"-1, none up to the limit", -1, 0, kHolds},
      {"m = 1 (the smallest violation)", 1, 0, kFails},
      {"m = 0 (not -1)", 0, 0, kFails},
      {"m = 27115", 27115, 0, kFails},
  };
  for (const auto& c : cases) {
    EXPECT_TRUE(verdict_is(c.name, evaluate_one(ex, {fv_record(ex, "fv", 0, c.first, c.proven)}), c.verdict));
  }
  EXPECT_TRUE(verdict_is("no record", evaluate_one(ex, {}), kNotAvailable));
  RunRecord empty = unit_record(ex, "fv", 0);
  EXPECT_TRUE(verdict_is("record without first_violation", evaluate_one(ex, {empty}), kNotAvailable));
}

TEST(NeverViolated, EveryUnit) {
  const Experiment ex = spec_with(claim_toml("never-violated", {"fv2"}));
  EXPECT_TRUE(verdict_is("-1, -1", evaluate_one(ex, {fv_record(ex, "fv2", 0, -1), fv_record(ex, "fv2", 1, -1, 1)}), kHolds));
  EXPECT_TRUE(verdict_is("m = 5 in the first unit", evaluate_one(ex, {fv_record(ex, "fv2", 0, 5), fv_record(ex, "fv2", 1, -1)}),
                         kFails));
  EXPECT_TRUE(verdict_is("m = 5 in the last unit", evaluate_one(ex, {fv_record(ex, "fv2", 0, -1), fv_record(ex, "fv2", 1, 5)}),
                         kFails));
  EXPECT_TRUE(verdict_is("unit 0 absent", evaluate_one(ex, {fv_record(ex, "fv2", 1, -1)}), kNotAvailable));
}

TEST(ViolatedBefore, FirstViolationInOneToExpected) {
  const Experiment ex = spec_with(claim_toml("violated-before", {"fv"}, "expected = 100\n"));
  const struct {
    const char* name;
    std::int64_t first;
    const char* verdict;
  } cases[] = {
      {"m = 100 = expected", 100, kHolds},   {"m = 101 = expected + 1", 101, kFails},
      {"m = 1 (lower edge)", 1, kHolds},     {"m = 0 (below the range)", 0, kFails},
      {"m = -1 (no violation)", -1, kFails},
  };
  for (const auto& c : cases) {
    EXPECT_TRUE(verdict_is(c.name, evaluate_one(ex, {fv_record(ex, "fv", 0, c.first)}), c.verdict));
  }
  EXPECT_TRUE(verdict_is("no record", evaluate_one(ex, {}), kNotAvailable));
}

TEST(ViolatedBefore, EveryUnit) {
  const Experiment ex = spec_with(claim_toml("violated-before", {"fv2"}, "expected = 100\n"));
  EXPECT_TRUE(verdict_is("1 and 100", evaluate_one(ex, {fv_record(ex, "fv2", 0, 1), fv_record(ex, "fv2", 1, 100)}), kHolds));
  EXPECT_TRUE(verdict_is("101 in the first unit",
                         evaluate_one(ex, {fv_record(ex, "fv2", 0, 101), fv_record(ex, "fv2", 1, 50)}), kFails));
  EXPECT_TRUE(verdict_is("-1 in the last unit",
                         evaluate_one(ex, {fv_record(ex, "fv2", 0, 50), fv_record(ex, "fv2", 1, -1)}), kFails));
}

// ---- dominates: a >= b - 1e-12 (|b| + 1) at every offset, units paired in order --------------------

// A preference record: value, and by_axis (M, 3) given row by row.
RunRecord pref_record(const Experiment& ex, const std::string& run, size_t k, const std::vector<double>& value,
                      const std::vector<std::vector<double>>& by_axis = {}) {
  RunRecord r = unit_record(ex, run, k);
  r.datasets.push_back(numbers(pref::kValue, value));
  std::vector<double> flat;
  for (const auto& row : by_axis) flat.insert(flat.end(), row.begin(), row.end());
  r.datasets.push_back(numbers(pref::kByAxis, flat, {static_cast<std::int64_t>(by_axis.size()), 3}));
  return r;
}

TEST(Dominates, EqualityUpToTheStatedRounding) {
  const Experiment ex = spec_with(claim_toml("dominates", {"pref-a", "pref-b"}));
  // slack(b) = 1e-12 (|b| + 1): b = 1 -> 2e-12; b = 1e6 -> ~1e-6; b = -1e6 -> ~1e-6.
  const struct {
    const char* name;
    double a, b;
    const char* verdict;
  } cases[] = {
      {"a = b = 1", 1, 1, kHolds},
      {"b = 1, a = b - 1e-12 (half the slack 2e-12)", 1 - 1e-12, 1, kHolds},
      {"b = 1, a = b - 3e-12 (1.5 x the slack)", 1 - 3e-12, 1, kFails},
      {"b = 1e6, a = b - 0.5e-6 (slack ~1e-6)", 1e6 - 0.5e-6, 1e6, kHolds},
      {"b = 1e6, a = b - 2e-6", 1e6 - 2e-6, 1e6, kFails},
      {"b = -1e6, a = b - 0.5e-6 (slack uses |b|)", -1e6 - 0.5e-6, -1e6, kHolds},
      {"b = -1e6, a = b - 2e-6", -1e6 - 2e-6, -1e6, kFails},
      {"b = 0, a = -0.5e-12 (slack 1e-12)", -0.5e-12, 0, kHolds},
      {"b = 0, a = -2e-12", -2e-12, 0, kFails},
  };
  for (const auto& c : cases) {
    EXPECT_TRUE(verdict_is(c.name,
                           evaluate_one(ex, {pref_record(ex, "pref-a", 0, {c.a}), pref_record(ex, "pref-b", 0, {c.b})}),
                           c.verdict));
  }
}

TEST(Dominates, AViolationAtTheFirstOrTheLastOffsetFails) {
  const Experiment ex = spec_with(claim_toml("dominates", {"pref-a", "pref-b"}));
  const std::vector<double> b = {3, 2, 1, 0, -1};
  const struct {
    const char* name;
    std::vector<double> a;
    const char* verdict;
  } cases[] = {
      {"a > b everywhere", {4, 3, 2, 1, 0}, kHolds},
      {"a = b everywhere", {3, 2, 1, 0, -1}, kHolds},
      {"a < b at the first offset only", {2.5, 3, 2, 1, 0}, kFails},
      {"a < b at the last offset only", {4, 3, 2, 1, -1.5}, kFails},
      {"a < b at a middle offset only", {4, 3, 0.5, 1, 0}, kFails},
  };
  for (const auto& c : cases) {
    EXPECT_TRUE(verdict_is(c.name, evaluate_one(ex, {pref_record(ex, "pref-a", 0, c.a), pref_record(ex, "pref-b", 0, b)}),
                           c.verdict));
  }
}

TEST(Dominates, UnitsPairedInOrderAndEveryPairRead) {
  const Experiment ex = spec_with(claim_toml("dominates", {"pref-a2", "pref-b2"}));
  // Paired in order: 5 >= 4 and 1 >= 0 hold; crosswise (1 vs 4) would fail.
  EXPECT_TRUE(verdict_is("paired in order",
                         evaluate_one(ex, {pref_record(ex, "pref-a2", 0, {5, 5}), pref_record(ex, "pref-a2", 1, {1, 1}),
                                           pref_record(ex, "pref-b2", 0, {4, 4}), pref_record(ex, "pref-b2", 1, {0, 0})}),
                         kHolds));
  EXPECT_TRUE(verdict_is("violation at the last offset of the last pair",
                         evaluate_one(ex, {pref_record(ex, "pref-a2", 0, {5, 5}), pref_record(ex, "pref-a2", 1, {1, -1}),
                                           pref_record(ex, "pref-b2", 0, {4, 4}), pref_record(ex, "pref-b2", 1, {0, 0})}),
                         kFails));
  EXPECT_TRUE(verdict_is("violation at the first offset of the first pair",
                         evaluate_one(ex, {pref_record(ex, "pref-a2", 0, {3, 5}), pref_record(ex, "pref-a2", 1, {1, 1}),
                                           pref_record(ex, "pref-b2", 0, {4, 4}), pref_record(ex, "pref-b2", 1, {0, 0})}),
                         kFails));
  EXPECT_TRUE(verdict_is("b's unit 1 absent",
                         evaluate_one(ex, {pref_record(ex, "pref-a2", 0, {5, 5}), pref_record(ex, "pref-a2", 1, {1, 1}),
                                           pref_record(ex, "pref-b2", 0, {4, 4})}),
                         kNotAvailable));
}

TEST(Dominates, RunsThatCannotBePairedFail) {
  // 2 units against 3, or 2 offsets against 3: no pairing, the claim cannot hold.
  const Experiment units = spec_with(claim_toml("dominates", {"pref-a2", "pref-b3"}));
  EXPECT_TRUE(verdict_is("2 units vs 3",
                         evaluate_one(units, {pref_record(units, "pref-a2", 0, {9}), pref_record(units, "pref-a2", 1, {9}),
                                              pref_record(units, "pref-b3", 0, {0}), pref_record(units, "pref-b3", 1, {0}),
                                              pref_record(units, "pref-b3", 2, {0})}),
                         kFails));
  const Experiment offsets = spec_with(claim_toml("dominates", {"pref-a", "pref-b"}));
  EXPECT_TRUE(verdict_is("2 offsets vs 3", evaluate_one(offsets, {pref_record(offsets, "pref-a", 0, {9, 9}),
                                                                   pref_record(offsets, "pref-b", 0, {0, 0, 0})}),
                         kFails));
}

TEST(Dominates, ByAxisReadsOneColumn) {
  // Rows (t, h, w): a's h column is below b's at the last row only; t, w and value dominate.
  const std::vector<std::vector<double>> a_axes = {{1, 1, 1}, {1, 1, 1}, {1, 0, 1}};
  const std::vector<std::vector<double>> b_axes = {{0, 0, 0}, {0, 0, 0}, {0, 0.5, 0}};
  const std::vector<double> a_value = {3, 3, 2}, b_value = {0, 0, 0.5};
  const struct {
    const char* dataset;  // the claim's dataset key ("" = default, value)
    const char* verdict;
  } cases[] = {{"", kHolds}, {"value", kHolds}, {"by_axis.t", kHolds}, {"by_axis.h", kFails}, {"by_axis.w", kHolds}};
  for (const auto& c : cases) {
    const std::string parameters = *c.dataset ? "dataset = \"" + std::string(c.dataset) + "\"\n" : "";
    const Experiment ex = spec_with(claim_toml("dominates", {"pref-a", "pref-b"}, parameters));
    EXPECT_TRUE(verdict_is(std::string("dataset '") + c.dataset + "'",
                           evaluate_one(ex, {pref_record(ex, "pref-a", 0, a_value, a_axes),
                                             pref_record(ex, "pref-b", 0, b_value, b_axes)}),
                           c.verdict));
  }
  // The h column violated at the first row only.
  const Experiment h = spec_with(claim_toml("dominates", {"pref-a", "pref-b"}, "dataset = \"by_axis.h\"\n"));
  EXPECT_TRUE(verdict_is("by_axis.h below at the first row only",
                         evaluate_one(h, {pref_record(h, "pref-a", 0, a_value, {{1, -1, 1}, {1, 1, 1}, {1, 1, 1}}),
                                          pref_record(h, "pref-b", 0, b_value, b_axes)}),
                         kFails));
}

TEST(Dominates, MissingRecordOrDatasetIsNotAvailable) {
  const Experiment ex = spec_with(claim_toml("dominates", {"pref-a", "pref-b"}));
  EXPECT_TRUE(verdict_is("b absent", evaluate_one(ex, {pref_record(ex, "pref-a", 0, {1})}), kNotAvailable));
  RunRecord bare = unit_record(ex, "pref-b", 0);
  EXPECT_TRUE(verdict_is("b without value", evaluate_one(ex, {pref_record(ex, "pref-a", 0, {1}), bare}), kNotAvailable));
}

// ---- sign-flip-lemma (HoPE Lemma A.1) -------------------------------------------------------------

// L = 1001: threshold pi / (2 (L - 1)) = pi / 2000 ~ 1.571e-3; 50 periods at theta >= 100 pi / 1000
// = pi / 10 ~ 0.314. Slack (tolerance) 0.125.
constexpr std::int64_t kLength = 1001;
const double kThreshold = kPi / (2.0 * static_cast<double>(kLength - 1));
const double kFiftyPeriods = 100.0 * kPi / static_cast<double>(kLength - 1);

RunRecord flip_record(const Experiment& ex, const std::string& run, size_t k, const std::vector<double>& theta,
                      const std::vector<double>& probability, std::int64_t length = kLength) {
  RunRecord r = unit_record(ex, run, k);
  r.attributes.push_back({"context_length", length});
  r.datasets.push_back(numbers(flip::kTheta, theta));
  r.datasets.push_back(numbers(flip::kProbability, probability));
  r.datasets.push_back(numbers(flip::kThreshold, {kPi / (2.0 * static_cast<double>(length - 1))}));
  return r;
}

struct FlipCase {
  const char* name;
  std::vector<double> theta, probability;
  const char* verdict;
  const char* flagged;  // the condition the computed column must mark NO ("" when it holds)
};

void expect_flip_cases(const std::vector<FlipCase>& cases) {
  const Experiment ex = spec_with(claim_toml("sign-flip-lemma", {"flip"}, "tolerance = 0.125\n"));
  for (const FlipCase& c : cases) {
    const ClaimResult r = evaluate_one(ex, {flip_record(ex, "flip", 0, c.theta, c.probability)});
    EXPECT_TRUE(verdict_is(c.name, r, c.verdict));
    if (*c.flagged) {
      EXPECT_TRUE(text_has(c.name, "computed", r.computed, c.flagged));
    }
  }
}

const char* const kZeroNo = "P = 0 below pi/(2(L-1)): NO";
const char* const kRisingNo = "non-decreasing in theta: NO";
const char* const kHalfNo = "-> 1/2: NO";

TEST(SignFlipLemma, AllThreeConditionsHold) {
  expect_flip_cases({
      {"P 0, 0.25, 0.375, 0.5, 0.5 by theta", {0.001, 0.002, 0.01, 0.5, 1.0}, {0, 0.25, 0.375, 0.5, 0.5}, kHolds, ""},
      // The rule sorts by theta: given in another order, the same pairs.
      {"the same pairs, unsorted", {1.0, 0.002, 0.5, 0.001, 0.01}, {0.5, 0.25, 0.5, 0, 0.375}, kHolds, ""},
  });
}

TEST(SignFlipLemma, ZeroBelowTheThreshold) {
  const double just_below = std::nextafter(kThreshold, 0.0);
  expect_flip_cases({
      {"P = 1e-9 at theta 0.001 < threshold", {0.001, 0.002, 0.5}, {1e-9, 0.25, 0.5}, kFails, kZeroNo},
      {"P = 0.25 at theta = threshold (not below)", {kThreshold, 0.002, 0.5}, {0.25, 0.25, 0.5}, kHolds, ""},
      {"P = 0.25 at the next double below the threshold", {just_below, 0.002, 0.5}, {0.25, 0.25, 0.5}, kFails, kZeroNo},
  });
}

TEST(SignFlipLemma, NeverDropsByMoreThanTheSlack) {
  const double over = 0.25 - 1.0 / 1024;  // a drop of 0.125 + 2^-10 from 0.375
  expect_flip_cases({
      {"drop 0.375 -> 0.25 = 0.125 = slack", {0.002, 0.01, 0.02}, {0.125, 0.375, 0.25}, kHolds, ""},
      {"drop 0.375 -> 0.25 - 2^-10 > slack, at the last pair", {0.002, 0.01, 0.02}, {0.125, 0.375, over}, kFails,
       kRisingNo},
      {"drop 0.5 -> 0.3 at the first two pairs", {0.002, 0.01, 0.02, 0.03}, {0.5, 0.3, 0.4, 0.45}, kFails, kRisingNo},
      // Sorted by theta the first is rising and the second drops by 0.2, whatever the input order.
      {"unsorted input rising in theta", {0.02, 0.01}, {0.4, 0.2}, kHolds, ""},
      {"unsorted input falling in theta", {0.02, 0.01}, {0.2, 0.4}, kFails, kRisingNo},
  });
}

TEST(SignFlipLemma, FastPairsNearOneHalf) {
  const double over = 0.625 + 1.0 / 1024;
  expect_flip_cases({
      {"last fast pair P = 0.625 (|P - 1/2| = 0.125 = slack)", {0.002, 0.01, 0.5, 1.0}, {0.25, 0.5, 0.5, 0.625}, kHolds, ""},
      {"last fast pair P = 0.375 (|P - 1/2| = 0.125)", {0.002, 0.01, 0.5, 1.0}, {0.25, 0.375, 0.5, 0.375}, kHolds, ""},
      {"last fast pair P = 0.625 + 2^-10", {0.002, 0.01, 0.5, 1.0}, {0.25, 0.5, 0.5, over}, kFails, kHalfNo},
      // 0.999 and 1.001 x the 50-period mark: P = 0.25 counts only above it.
      {"P = 0.25 at 0.999 x the 50-period mark (not counted)", {0.002, 0.999 * kFiftyPeriods, 1.0}, {0.25, 0.25, 0.5},
       kHolds, ""},
      {"P = 0.25 at 1.001 x the 50-period mark", {0.002, 1.001 * kFiftyPeriods, 1.0}, {0.25, 0.25, 0.5}, kFails, kHalfNo},
  });
}

TEST(SignFlipLemma, EveryUnitAndMissingData) {
  const Experiment ex = spec_with(claim_toml("sign-flip-lemma", {"flip2"}, "tolerance = 0.125\n"));
  const std::vector<double> theta = {0.001, 0.01, 1.0}, good = {0, 0.25, 0.5}, bad = {0.125, 0.25, 0.5};
  // Unit 1 has L = 2001: threshold pi / 4000 ~ 7.85e-4 < 0.001, so theta 0.001 is above it there.
  EXPECT_TRUE(verdict_is("both units", evaluate_one(ex, {flip_record(ex, "flip2", 0, theta, good, 1001),
                                                         flip_record(ex, "flip2", 1, theta, good, 2001)}),
                         kHolds));
  EXPECT_TRUE(verdict_is("P = 0.125 below the threshold in unit 0",
                         evaluate_one(ex, {flip_record(ex, "flip2", 0, theta, bad, 1001),
                                           flip_record(ex, "flip2", 1, theta, good, 2001)}),
                         kFails));
  EXPECT_TRUE(verdict_is("unit 1 absent", evaluate_one(ex, {flip_record(ex, "flip2", 0, theta, good, 1001)}),
                         kNotAvailable));
  RunRecord no_threshold = flip_record(ex, "flip2", 1, theta, good, 2001);
  no_threshold.datasets.pop_back();
  EXPECT_TRUE(verdict_is("unit 1 without threshold",
                         evaluate_one(ex, {flip_record(ex, "flip2", 0, theta, good, 1001), no_threshold}),
                         kNotAvailable));
}

// ---- assumption: inner_rule on the restricted run (runs[0]) and the unrestricted one (runs[1]) ----

TEST(Assumption, EachVerdictOfTheTwoInnerOutcomes) {
  const Experiment ex = spec_with(claim_toml("assumption", {"fv-t", "fv"},
                                             "inner_rule = \"violated-before\"\nexpected = 100\n"
                                             "assumption = \"temporal pairs only\"\n"));
  // violated-before 100: m in [1, 100] holds.
  const struct {
    const char* name;
    std::int64_t restricted, unrestricted;
    const char* verdict;
  } cases[] = {
      {"restricted m = 16 holds, unrestricted m = 50 holds", 16, 50, kHolds},
      {"restricted m = 16 holds, unrestricted -1 fails", 16, -1, kOnlyUnder},
      {"restricted m = 100 (edge) holds, unrestricted m = 101 fails", 100, 101, kOnlyUnder},
      {"restricted m = 101 fails, unrestricted m = 16 holds", 101, 16, kFails},
      {"restricted -1 fails, unrestricted -1 fails", -1, -1, kFails},
  };
  for (const auto& c : cases) {
    EXPECT_TRUE(verdict_is(c.name,
                           evaluate_one(ex, {fv_record(ex, "fv-t", 0, c.restricted), fv_record(ex, "fv", 0, c.unrestricted)}),
                           c.verdict));
  }
  EXPECT_TRUE(verdict_is("unrestricted record absent", evaluate_one(ex, {fv_record(ex, "fv-t", 0, 16)}), kNotAvailable));
  EXPECT_TRUE(verdict_is("restricted record absent", evaluate_one(ex, {fv_record(ex, "fv", 0, 16)}), kNotAvailable));
  EXPECT_TRUE(verdict_is("restricted record without first_violation",
                         evaluate_one(ex, {unit_record(ex, "fv-t", 0), fv_record(ex, "fv", 0, -1)}), kNotAvailable));
  EXPECT_TRUE(verdict_is("unrestricted record without first_violation",
                         evaluate_one(ex, {fv_record(ex, "fv-t", 0, 16), unit_record(ex, "fv", 0)}), kNotAvailable));
}

TEST(Assumption, InnerMonteCarloAgrees) {
  const Experiment ex = spec_with(claim_toml("assumption", {"mc", "mc2"},
                                             "inner_rule = \"monte-carlo-agrees\"\nassumption = \"base 1e6 only\"\n"));
  const std::vector<double> theory = {2, 1};
  const RunRecord agrees = mc_record(ex, "mc", 0, theory, shifted(theory, {1, -1}));
  const RunRecord below = mc_record(ex, "mc", 0, theory, shifted(theory, {-8, 0}));
  const auto unrestricted = [&](const std::vector<double>& shift1) {
    return std::vector<RunRecord>{mc_record(ex, "mc2", 0, theory, shifted(theory, {0, 0})),
                                  mc_record(ex, "mc2", 1, theory, shifted(theory, shift1))};
  };
  std::vector<RunRecord> records = unrestricted({0, 0});
  records.push_back(agrees);
  const ClaimResult both = evaluate_one(ex, records);
  EXPECT_TRUE(verdict_is("both agree", both, kHolds));
  EXPECT_TRUE(text_has("both agree", "monte_carlo", both.monte_carlo, "2/2"));
  records = unrestricted({0, 9});
  records.push_back(agrees);
  EXPECT_TRUE(verdict_is("unrestricted z = 9 at its last offset", evaluate_one(ex, records), kOnlyUnder));
  records = unrestricted({0, 0});
  records.push_back(below);
  EXPECT_TRUE(verdict_is("restricted z = -8 at its first offset", evaluate_one(ex, records), kFails));
}

}  // namespace
}  // namespace hopelab::batch
