// The claims rules that read Monte Carlo, values and base bounds: monte-carlo-agrees,
// value-equals, bound-feasible, bound-minimal (helpers and the spec: claims_test_support.h).

#include "claims_test_support.h"

namespace hopelab::batch {
namespace {

using namespace claims_test;

// ---- the rule list ------------------------------------------------------------------------------

TEST(ClaimRules, NamesInDocumentationOrder) {
  const std::vector<std::string> documented = {"monte-carlo-agrees", "value-equals",  "bound-feasible",
                                               "bound-minimal",      "never-violated", "violated-before",
                                               "dominates",          "sign-flip-lemma", "paired-better",
                                               "value-in-range",     "increasing",     "decreasing",
                                               "assumption"};
  EXPECT_EQ(claim_rule_names(), documented);
}

// ---- monte-carlo-agrees: every verdict is 1 (|z| <= z_bound, two-sided) ---------------------------

// mc_record and shifted (claims_test_support.h) build its records.

TEST(MonteCarloAgrees, EveryVerdictOneHoldsAndOneZeroAnywhereFails) {
  const Experiment ex = spec_with(claim_toml("monte-carlo-agrees", {"mc"}));
  const std::vector<double> theory = {4, 3, 2, 1};
  const struct {
    const char* name;
    std::vector<double> z;
    const char* verdict;
    const char* agree;  // "agreeing/total" in the Monte Carlo column
  } cases[] = {
      {"all |z| <= 0.5", {0.5, -0.5, 0, 0.5}, kHolds, "4/4"},
      {"|z| = z_bound exactly on both sides (3 <= 3)", {3, -3, 3, -3}, kHolds, "4/4"},
      {"z = 3.5 > 3 at the first offset only", {3.5, 0, 0, 0}, kFails, "3/4"},
      {"z = -3.5 < -3 at the last offset only", {0, 0, 0, -3.5}, kFails, "3/4"},
      // One-sidedness would be a bug: a mean far below the closed form fails as one far above.
      {"mean far BELOW the closed form (z = -20) at offset 1", {0, -20, 0, 0}, kFails, "3/4"},
      {"mean far ABOVE the closed form (z = +20) at offset 1", {0, 20, 0, 0}, kFails, "3/4"},
  };
  for (const auto& c : cases) {
    const ClaimResult r = evaluate_one(ex, {mc_record(ex, "mc", 0, theory, shifted(theory, c.z))});
    EXPECT_TRUE(verdict_is(c.name, r, c.verdict));
    EXPECT_TRUE(text_has(c.name, "monte_carlo", r.monte_carlo, c.agree));
  }
}

TEST(MonteCarloAgrees, EveryUnitOfTheRunIsRead) {
  const Experiment ex = spec_with(claim_toml("monte-carlo-agrees", {"mc2"}));
  const std::vector<double> theory = {4, 3, 2}, good = {0, 1, -1};
  // 2 units x 3 offsets; the one disagreeing offset first in unit 0, or last in unit 1.
  EXPECT_TRUE(verdict_is("both units agree",
                         evaluate_one(ex, {mc_record(ex, "mc2", 0, theory, shifted(theory, good)),
                                           mc_record(ex, "mc2", 1, theory, shifted(theory, good))}),
                         kHolds));
  EXPECT_TRUE(verdict_is("z = -10 at the first offset of the first unit",
                         evaluate_one(ex, {mc_record(ex, "mc2", 0, theory, shifted(theory, {-10, 1, -1})),
                                           mc_record(ex, "mc2", 1, theory, shifted(theory, good))}),
                         kFails));
  EXPECT_TRUE(verdict_is("z = +10 at the last offset of the last unit",
                         evaluate_one(ex, {mc_record(ex, "mc2", 0, theory, shifted(theory, good)),
                                           mc_record(ex, "mc2", 1, theory, shifted(theory, {0, 1, 10}))}),
                         kFails));
  EXPECT_TRUE(verdict_is("unit 1 absent (a shard)",
                         evaluate_one(ex, {mc_record(ex, "mc2", 0, theory, shifted(theory, good))}), kNotAvailable));
}

TEST(MonteCarloAgrees, MissingRecordOrDatasetIsNotAvailable) {
  const Experiment ex = spec_with(claim_toml("monte-carlo-agrees", {"mc"}));
  EXPECT_TRUE(verdict_is("no record", evaluate_one(ex, {}), kNotAvailable));
  for (const DatasetName* name : {&mc::kVerdict, &mc::kZ, &mc::kTheory, &mc::kMean}) {
    RunRecord r = mc_record(ex, "mc", 0, {1, 2}, {1, 2});
    for (size_t j = 0; j < r.datasets.size(); ++j) {
      if (r.datasets[j].name == name->name) r.datasets.erase(r.datasets.begin() + static_cast<std::ptrdiff_t>(j));
    }
    EXPECT_TRUE(verdict_is(std::string("record without ") + name->name, evaluate_one(ex, {r}), kNotAvailable));
  }
}

// ---- value-equals: every element within tolerance * max(|expected|, 1) ---------------------------

RunRecord value_record(const Experiment& ex, const std::string& run, size_t k, const std::vector<double>& v) {
  RunRecord r = unit_record(ex, run, k);
  r.datasets.push_back(numbers(pref::kValue, v));
  return r;
}

TEST(ValueEquals, ToleranceEdgeOnBothSides) {
  const auto up = [](double x) { return std::nextafter(x, kInf); };
  const auto down = [](double x) { return std::nextafter(x, -kInf); };
  const struct {
    const char* name;
    const char* parameters;
    std::vector<double> values;
    const char* verdict;
  } cases[] = {
      // expected 8, tolerance 0.25: allowed |x - 8| <= 0.25 * max(8, 1) = 2.
      {"8 +- 2: 10 (|10 - 8| = 2 <= 2)", "expected = 8\ntolerance = 0.25\n", {10}, kHolds},
      {"8 +- 2: next double above 10", "expected = 8\ntolerance = 0.25\n", {up(10)}, kFails},
      {"8 +- 2: 6 (|6 - 8| = 2 <= 2)", "expected = 8\ntolerance = 0.25\n", {6}, kHolds},
      {"8 +- 2: next double below 6", "expected = 8\ntolerance = 0.25\n", {down(6)}, kFails},
      {"8 +- 2: 10.5 at the first element only", "expected = 8\ntolerance = 0.25\n", {10.5, 8, 8, 8}, kFails},
      {"8 +- 2: 10.5 at the last element only", "expected = 8\ntolerance = 0.25\n", {8, 8, 8, 10.5}, kFails},
      {"8 +- 2: every element at an edge", "expected = 8\ntolerance = 0.25\n", {6, 10, 8, 6}, kHolds},
      // expected -8: allowed |x + 8| <= 0.25 * max(|-8|, 1) = 2.
      {"-8 +- 2: -10", "expected = -8\ntolerance = 0.25\n", {-10}, kHolds},
      {"-8 +- 2: -6", "expected = -8\ntolerance = 0.25\n", {-6}, kHolds},
      {"-8 +- 2: next double below -10", "expected = -8\ntolerance = 0.25\n", {down(-10)}, kFails},
      // |expected| < 1: allowed 0.5 * max(0.25, 1) = 0.5 (not 0.5 * 0.25 = 0.125).
      {"0.25 +- 0.5: 0.75", "expected = 0.25\ntolerance = 0.5\n", {0.75}, kHolds},
      {"0.25 +- 0.5: -0.25", "expected = 0.25\ntolerance = 0.5\n", {-0.25}, kHolds},
      {"0.25 +- 0.5: next double above 0.75", "expected = 0.25\ntolerance = 0.5\n", {up(0.75)}, kFails},
      // tolerance 0 (the default): equality only.
      {"27115 exactly", "expected = 27115\n", {27115}, kHolds},
      {"27115 exactly: 27116", "expected = 27115\n", {27116}, kFails},
      {"27115 exactly: next double above", "expected = 27115\n", {up(27115)}, kFails},
      {"a NaN is not equal to anything", "expected = 0\ntolerance = 1\n", {std::nan("")}, kFails},
  };
  for (const auto& c : cases) {
    const Experiment ex = spec_with(claim_toml("value-equals", {"pref-a"}, dataset_line(pref::kValue) + c.parameters));
    EXPECT_TRUE(verdict_is(c.name, evaluate_one(ex, {value_record(ex, "pref-a", 0, c.values)}), c.verdict));
  }
}

TEST(ValueEquals, ReadsIntegerDatasetsAndEveryUnit) {
  const Experiment ex =
      spec_with(claim_toml("value-equals", {"fv2"}, dataset_line(fv::kFirstViolation) + "expected = 64\ntolerance = 0.0625\n"));
  // allowed |m - 64| <= 0.0625 * 64 = 4: 60 and 68 hold, 59 and 69 do not.
  const auto rec = [&](size_t k, std::int64_t m) {
    RunRecord r = unit_record(ex, "fv2", k);
    r.datasets.push_back(integers(fv::kFirstViolation, {m}));
    return r;
  };
  EXPECT_TRUE(verdict_is("60 and 68", evaluate_one(ex, {rec(0, 60), rec(1, 68)}), kHolds));
  EXPECT_TRUE(verdict_is("69 in the first unit", evaluate_one(ex, {rec(0, 69), rec(1, 64)}), kFails));
  EXPECT_TRUE(verdict_is("59 in the last unit", evaluate_one(ex, {rec(0, 64), rec(1, 59)}), kFails));
  EXPECT_TRUE(verdict_is("the last unit absent", evaluate_one(ex, {rec(0, 64)}), kNotAvailable));
}

TEST(ValueEquals, MissingOrEmptyDatasetIsNotAvailable) {
  const Experiment ex = spec_with(claim_toml("value-equals", {"pref-a"}, dataset_line(pref::kValue) + "expected = 1\n"));
  RunRecord other = unit_record(ex, "pref-a", 0);
  other.datasets.push_back(numbers(pref::kDistance, {1}));
  EXPECT_TRUE(verdict_is("no record", evaluate_one(ex, {}), kNotAvailable));
  EXPECT_TRUE(verdict_is("record without the dataset", evaluate_one(ex, {other}), kNotAvailable));
  EXPECT_TRUE(verdict_is("empty dataset", evaluate_one(ex, {value_record(ex, "pref-a", 0, {})}), kNotAvailable));
}

// ---- bound-feasible: B_b(m) >= 0 at the paper's base for every m <= max_distance ------------------

// min over m in [1, max_m] of B_b(m) = sum_{i < d/2} cos(m b^(-2i/d)), in long double.
long double min_bound_sum(long double base, int d, std::int64_t max_m) {
  long double least = std::numeric_limits<long double>::infinity();
  for (std::int64_t m = 1; m <= max_m; ++m) {
    long double s = 0;
    for (int i = 0; i < d / 2; ++i) s += std::cos(static_cast<long double>(m) * std::pow(base, -2.0L * i / d));
    least = std::min(least, s);
  }
  return least;
}

// A pair of bases (infeasible, feasible) a relative 1e-7 apart around the first crossing of
// min_m B_b(m) through 0 on a 1% grid upward from 2 (bisection inside one bracket).
struct Crossing {
  double infeasible, feasible;
};
Crossing first_crossing(int d, std::int64_t max_m) {
  double lo = 2.0;
  while (min_bound_sum(lo * 1.01, d, max_m) < 0) lo *= 1.01;
  double hi = lo * 1.01;
  if (!(min_bound_sum(lo, d, max_m) < 0)) throw std::logic_error("claims_test: base 2 is already feasible");
  while (hi / lo - 1.0 > 1e-7) {
    const double mid = std::sqrt(lo * hi);
    (min_bound_sum(mid, d, max_m) < 0 ? lo : hi) = mid;
  }
  return {lo, hi};
}

RunRecord bound_record(const Experiment& ex, const std::string& run, size_t k, double base, std::int64_t max_distance,
                       std::int64_t head_dim) {
  RunRecord r = unit_record(ex, run, k);
  r.attributes.push_back({"head_dim", head_dim});
  r.datasets.push_back(numbers(bb::kBase, {base}));
  r.datasets.push_back(integers(bb::kMaxDistance, {max_distance}));
  return r;
}

std::string expected_line(double value) {
  std::ostringstream text;
  text.precision(17);
  text << "expected = " << value << "\n";
  return text.str();
}

TEST(BoundFeasible, JustAboveAndJustBelowTheCrossing) {
  const Crossing c = first_crossing(16, 100);
  // Margins far above double rounding of a 8-term cosine sum (~1e-15), so the program, in
  // double, must see the same signs as the long-double oracle.
  const long double below = min_bound_sum(c.infeasible, 16, 100), above = min_bound_sum(c.feasible, 16, 100);
  ASSERT_LT(below, -1e-12L) << "oracle margin at " << c.infeasible;
  ASSERT_GT(above, 1e-12L) << "oracle margin at " << c.feasible;
  for (const auto& [base, verdict] : {std::pair<double, const char*>{c.feasible, kHolds}, {c.infeasible, kFails}}) {
    const Experiment ex = spec_with(claim_toml("bound-feasible", {"bound"}, expected_line(base)));
    std::ostringstream name;
    name.precision(17);
    name << "d = 16, m <= 100, paper base " << base << " (oracle min B " << static_cast<double>(min_bound_sum(base, 16, 100))
         << ")";
    EXPECT_TRUE(verdict_is(name.str(), evaluate_one(ex, {bound_record(ex, "bound", 0, c.feasible, 100, 16)}), verdict));
  }
}

TEST(BoundFeasible, ChecksThePapersBaseNotTheRecordedMinimum) {
  // d = 128, m <= 32768: feasibility is not monotone in b. The oracle decides; a rule that
  // compared the paper's base with b* would call both feasible.
  const long double at_630k = min_bound_sum(6.3e5, 128, 32768), at_635k = min_bound_sum(6.35e5, 128, 32768);
  ASSERT_GT(at_630k, 1e-9L) << "oracle: 6.3e5 should be feasible at m <= 32768";
  ASSERT_LT(at_635k, -1e-9L) << "oracle: 6.35e5 should be infeasible at m <= 32768";
  const double b_star = 6.0e5;  // any recorded minimum below both
  for (const auto& [base, verdict] : {std::pair<double, const char*>{6.3e5, kHolds}, {6.35e5, kFails}}) {
    const Experiment ex = spec_with(claim_toml("bound-feasible", {"bound128"}, expected_line(base)));
    EXPECT_TRUE(verdict_is("d = 128, m <= 32768, paper base " + std::to_string(base),
                           evaluate_one(ex, {bound_record(ex, "bound128", 0, b_star, 32768, 128)}), verdict));
  }
}

TEST(BoundFeasible, EveryUnitsRangeAndMissingData) {
  // A base just above the crossing for m <= 50; the oracle says whether it survives m <= 100.
  const Crossing c50 = first_crossing(16, 50);
  ASSERT_GT(min_bound_sum(c50.feasible, 16, 50), 1e-12L);
  ASSERT_LT(min_bound_sum(c50.feasible, 16, 100), -1e-12L) << "precondition: feasible at 50, not at 100";
  const Experiment ex = spec_with(claim_toml("bound-feasible", {"bound2"}, expected_line(c50.feasible)));
  EXPECT_TRUE(verdict_is("m <= 50 only (both units)",
                         evaluate_one(ex, {bound_record(ex, "bound2", 0, c50.feasible, 50, 16),
                                           bound_record(ex, "bound2", 1, c50.feasible, 50, 16)}),
                         kHolds));
  EXPECT_TRUE(verdict_is("the last unit's range is m <= 100",
                         evaluate_one(ex, {bound_record(ex, "bound2", 0, c50.feasible, 50, 16),
                                           bound_record(ex, "bound2", 1, c50.feasible, 100, 16)}),
                         kFails));
  EXPECT_TRUE(verdict_is("the first unit's range is m <= 100",
                         evaluate_one(ex, {bound_record(ex, "bound2", 0, c50.feasible, 100, 16),
                                           bound_record(ex, "bound2", 1, c50.feasible, 50, 16)}),
                         kFails));
  EXPECT_TRUE(verdict_is("unit 1 absent", evaluate_one(ex, {bound_record(ex, "bound2", 0, c50.feasible, 50, 16)}),
                         kNotAvailable));
  RunRecord no_max = bound_record(ex, "bound2", 1, c50.feasible, 50, 16);
  no_max.datasets.pop_back();
  EXPECT_TRUE(verdict_is("unit 1 without max_distance",
                         evaluate_one(ex, {bound_record(ex, "bound2", 0, c50.feasible, 50, 16), no_max}), kNotAvailable));
}

// ---- bound-minimal: |b* - paper| <= tolerance * max(|paper|, 1) ------------------------------------

TEST(BoundMinimal, ToleranceEdgeOnBothSides) {
  // paper 1024, tolerance 0.125: allowed |b* - 1024| <= 0.125 * 1024 = 128, b* in [896, 1152].
  const Experiment ex = spec_with(claim_toml("bound-minimal", {"bound"}, "expected = 1024\ntolerance = 0.125\n"));
  const struct {
    const char* name;
    double b_star;
    const char* verdict;
  } cases[] = {
      {"b* = 1152 (|1152 - 1024| = 128)", 1152, kHolds},
      {"b* = next double above 1152", std::nextafter(1152.0, kInf), kFails},
      {"b* = 896 (|896 - 1024| = 128)", 896, kHolds},
      {"b* = next double below 896", std::nextafter(896.0, -kInf), kFails},
      {"b* = 1024", 1024, kHolds},
      // Relative to the paper's base, not to b*: 136 > 128 although 136 <= 0.125 * 1160 = 145.
      {"b* = 1160 (within 12.5% of b*, not of the paper)", 1160, kFails},
  };
  for (const auto& c : cases) {
    EXPECT_TRUE(verdict_is(c.name, evaluate_one(ex, {bound_record(ex, "bound", 0, c.b_star, 100, 16)}), c.verdict));
  }
  EXPECT_TRUE(verdict_is("no record", evaluate_one(ex, {}), kNotAvailable));
  RunRecord no_base = bound_record(ex, "bound", 0, 1024, 100, 16);
  no_base.datasets.erase(no_base.datasets.begin());
  EXPECT_TRUE(verdict_is("record without base", evaluate_one(ex, {no_base}), kNotAvailable));
}

TEST(BoundMinimal, EveryUnit) {
  const Experiment ex = spec_with(claim_toml("bound-minimal", {"bound2"}, "expected = 1024\ntolerance = 0.125\n"));
  EXPECT_TRUE(verdict_is("b* 896 and 1152", evaluate_one(ex, {bound_record(ex, "bound2", 0, 896, 50, 16),
                                                              bound_record(ex, "bound2", 1, 1152, 100, 16)}),
                         kHolds));
  EXPECT_TRUE(verdict_is("the last unit's b* 1153", evaluate_one(ex, {bound_record(ex, "bound2", 0, 1024, 50, 16),
                                                                      bound_record(ex, "bound2", 1, 1153, 100, 16)}),
                         kFails));
  EXPECT_TRUE(verdict_is("the first unit's b* 895", evaluate_one(ex, {bound_record(ex, "bound2", 0, 895, 50, 16),
                                                                      bound_record(ex, "bound2", 1, 1024, 100, 16)}),
                         kFails));
}

}  // namespace
}  // namespace hopelab::batch
