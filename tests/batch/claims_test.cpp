// The claims engine (experiments/batch/claims.h) as a pure function: a small spec with the runs
// each rule reads, records built here by hand with the datasets the rule reads, and the verdict
// against the rule's definition (docs/usage.md "Claims"), one case on each side of every
// boundary. The refusals of check_claim name the key that is wrong.
//
// Expected verdicts come from the rules' definitions; the arithmetic that places each case on
// its side of a boundary is written beside it. bound-feasible's oracle is B_b(m) = sum_i
// cos(m b^(-2i/d)) summed here in long double (Men et al.), not theory/base_bound.h.
#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "batch/claims.h"
#include "batch/spec.h"
#include "kinds/base_bound.h"
#include "kinds/first_violation.h"
#include "kinds/mc_preference.h"
#include "kinds/preference.h"
#include "kinds/sign_flip.h"
#include "theory/input_error.h"

namespace hopelab::batch {
namespace {

namespace mc = kinds::mc_preference;
namespace bb = kinds::base_bound;
namespace fv = kinds::first_violation;
namespace pref = kinds::preference;
namespace flip = kinds::sign_flip;
using kinds::DatasetName;
using results::Attribute;
using results::Dataset;
using results::DatasetKind;
using results::RunRecord;

constexpr double kInf = std::numeric_limits<double>::infinity();
const double kPi = std::acos(-1.0);

const char* const kHolds = "holds";
const char* const kFails = "fails";
const char* const kOnlyUnder = "holds only under an assumption";
const char* const kNotAvailable = "n/a";

// ---- the spec: every run the rules read (units are only checked, never computed) -------------

const std::string kRuns = R"(
[experiment]
name = "claims-unit"
seed = 3

[[run]]
name = "mc"
kind = "mc-preference"
method = "vanilla"
offsets = "0:1500:500"
samples = 1000

[[run]]
name = "mc2"
kind = "mc-preference"
method = "vanilla"
offsets = "0:1500:500"
samples = 1000
[run.sweep]
base = [1e4, 1e6]

[[run]]
name = "bound"
kind = "base-bound"
head_dim = 16
context_length = 100

[[run]]
name = "bound2"
kind = "base-bound"
head_dim = 16
[run.sweep]
context_length = [50, 100]

[[run]]
name = "bound128"
kind = "base-bound"
context_length = 32768

[[run]]
name = "fv"
kind = "first-violation"
method = "vanilla"

[[run]]
name = "fv-t"
kind = "first-violation"
method = "mrope"
along = "frames"
only_axis = "t"

[[run]]
name = "fv2"
kind = "first-violation"
method = "vanilla"
[run.sweep]
base = [1e4, 1e6]

[[run]]
name = "pref-a"
kind = "preference"
method = "hope"
offsets = "0:20000:5000"

[[run]]
name = "pref-b"
kind = "preference"
method = "videorope"
offsets = "0:20000:5000"

[[run]]
name = "pref-a2"
kind = "preference"
method = "hope"
offsets = "0:20000:5000"
[run.sweep]
base = [1e4, 1e6]

[[run]]
name = "pref-b2"
kind = "preference"
method = "videorope"
offsets = "0:20000:5000"
[run.sweep]
base = [1e4, 1e6]

[[run]]
name = "pref-b3"
kind = "preference"
method = "videorope"
offsets = "0:20000:5000"
[run.sweep]
base = [1e4, 1e5, 1e6]

[[run]]
name = "flip"
kind = "sign-flip"
method = "mrope"
context_length = 1001

[[run]]
name = "flip2"
kind = "sign-flip"
method = "mrope"
[run.sweep]
context_length = [1001, 2001]
)";

// A [[claim]] table; `extra` holds the rule's parameters as TOML lines.
std::string claim_toml(const std::string& rule, const std::vector<std::string>& runs, const std::string& extra = "") {
  std::string text = "\n[[claim]]\nid = \"c\"\nstatement = \"under test\"\nsource = \"claims_test\"\nrule = \"" + rule +
                     "\"\nruns = [";
  for (size_t k = 0; k < runs.size(); ++k) text += (k ? ", \"" : "\"") + runs[k] + "\"";
  return text + "]\n" + extra;
}

std::string dataset_line(const DatasetName& name) { return "dataset = \"" + std::string(name.name) + "\"\n"; }

Experiment spec_with(const std::string& claim) { return parse_spec_text(kRuns + claim, "claims_test.toml"); }

// ---- records ------------------------------------------------------------------------------------

// The record of the k-th unit of `run`: its group (what evaluate_claims matches) and the
// attributes every record has (unit, run, kind).
RunRecord unit_record(const Experiment& ex, const std::string& run, size_t k = 0) {
  size_t seen = 0;
  for (const WorkUnit& u : ex.units) {
    if (u.run != run) continue;
    if (seen++ != k) continue;
    RunRecord r;
    r.unit_index = u.index;
    r.group = u.group;
    r.attributes.push_back({"unit", u.name});
    r.attributes.push_back({"run", u.run});
    r.attributes.push_back({"kind", u.kind});
    return r;
  }
  throw std::logic_error("claims_test: run " + run + " has no unit " + std::to_string(k));
}

Dataset numbers(const DatasetName& name, std::vector<double> values, std::vector<std::int64_t> shape = {}) {
  Dataset d;
  d.name = name.name;
  d.unit = name.unit;
  d.shape = shape.empty() ? std::vector<std::int64_t>{static_cast<std::int64_t>(values.size())} : shape;
  d.numbers = std::move(values);
  d.kind = DatasetKind::numbers;
  return d;
}

Dataset integers(const DatasetName& name, std::vector<std::int64_t> values) {
  Dataset d;
  d.name = name.name;
  d.unit = name.unit;
  d.shape = {static_cast<std::int64_t>(values.size())};
  d.integers = std::move(values);
  d.kind = DatasetKind::integers;
  return d;
}

// The one claim of `ex` evaluated on `records`.
ClaimResult evaluate_one(const Experiment& ex, const std::vector<RunRecord>& records) {
  const std::vector<ClaimResult> results = evaluate_claims(ex, records);
  if (results.size() != 1) throw std::logic_error("claims_test: expected one claim, got " + std::to_string(results.size()));
  return results.front();
}

// Passes when the verdict is `expected`; else says the case, expected, actual and what the rule
// computed.
::testing::AssertionResult verdict_is(const std::string& case_name, const ClaimResult& r, const std::string& expected) {
  if (r.verdict == expected) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "case: " << case_name << "\n  expected verdict: " << expected
                                       << "\n  actual verdict:   " << r.verdict << "\n  computed: " << r.computed
                                       << "\n  monte carlo: " << r.monte_carlo;
}

::testing::AssertionResult text_has(const std::string& case_name, const std::string& column, const std::string& text,
                                    const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "case: " << case_name << "\n  expected " << column << " to contain: " << part
                                       << "\n  actual " << column << ": " << text;
}

// ---- the rule list ------------------------------------------------------------------------------

TEST(ClaimRules, NamesInDocumentationOrder) {
  const std::vector<std::string> documented = {"monte-carlo-agrees", "value-equals",  "bound-feasible",
                                               "bound-minimal",      "never-violated", "violated-before",
                                               "dominates",          "sign-flip-lemma", "assumption"};
  EXPECT_EQ(claim_rule_names(), documented);
}

// ---- monte-carlo-agrees: every verdict is 1 (|z| <= z_bound, two-sided) ---------------------------

constexpr double kZBound = 3.0;

// An mc-preference record whose z and verdict follow the kind's definitions (kinds/mc_preference.h):
// z = (mean - theory) / standard_error, verdict = 1 when |z| <= z_bound, else 0.
RunRecord mc_record(const Experiment& ex, const std::string& run, size_t k, const std::vector<double>& theory,
                    const std::vector<double>& mean, double standard_error = 0.5) {
  RunRecord r = unit_record(ex, run, k);
  std::vector<double> se(theory.size(), standard_error), z;
  std::vector<std::int64_t> verdict;
  for (size_t j = 0; j < theory.size(); ++j) {
    z.push_back((mean[j] - theory[j]) / standard_error);
    verdict.push_back(std::fabs(z.back()) <= kZBound ? 1 : 0);
  }
  r.attributes.push_back({"z_bound", kZBound});
  r.datasets.push_back(numbers(mc::kMean, mean));
  r.datasets.push_back(numbers(mc::kStandardError, se));
  r.datasets.push_back(numbers(mc::kTheory, theory));
  r.datasets.push_back(numbers(mc::kZ, z));
  r.datasets.push_back(integers(mc::kVerdict, verdict));
  return r;
}

// theory + shift[j] * SE (SE = 0.5): z_j = shift[j] exactly (the shifts are small integers or
// halves, the products and differences exact in binary).
std::vector<double> shifted(const std::vector<double>& theory, const std::vector<double>& shift) {
  std::vector<double> mean;
  for (size_t j = 0; j < theory.size(); ++j) mean.push_back(theory[j] + shift[j] * 0.5);
  return mean;
}

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

// ---- check_claim: refusals name the key ---------------------------------------------------------

Claim make_claim(const std::string& rule, const std::vector<std::string>& runs) {
  Claim c;
  c.fields.id = "c";
  c.fields.statement = "under test";
  c.fields.source = "claims_test";
  c.fields.rule = rule;
  c.fields.runs = runs;
  return c;
}

// Passes when check_claim throws ClaimError with `key` (and `what` in its message).
::testing::AssertionResult refused(const std::string& case_name, const Experiment& ex, const Claim& c,
                                   const std::string& key, const std::string& what = "") {
  try {
    check_claim(ex, c);
  } catch (const ClaimError& e) {
    if (e.key == key && std::string(e.what()).find(what) != std::string::npos) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "case: " << case_name << "\n  expected ClaimError key: " << key
                                         << (what.empty() ? "" : ", message containing \"" + what + "\"")
                                         << "\n  actual key: " << e.key << ", message: " << e.what();
  } catch (const std::exception& e) {
    return ::testing::AssertionFailure() << "case: " << case_name << "\n  expected ClaimError key: " << key
                                         << "\n  actual: another exception: " << e.what();
  }
  return ::testing::AssertionFailure() << "case: " << case_name << "\n  expected ClaimError key: " << key
                                       << "\n  actual: accepted";
}

::testing::AssertionResult accepted(const std::string& case_name, const Experiment& ex, const Claim& c) {
  try {
    check_claim(ex, c);
  } catch (const ClaimError& e) {
    return ::testing::AssertionFailure() << "case: " << case_name << "\n  expected: accepted\n  actual: ClaimError key "
                                         << e.key << ": " << e.what();
  }
  return ::testing::AssertionSuccess();
}

class CheckClaim : public ::testing::Test {
 protected:
  const Experiment ex = parse_spec_text(kRuns, "claims_test.toml");
};

TEST_F(CheckClaim, UnknownRuleAndUnknownRun) {
  EXPECT_TRUE(refused("rule monte-carlo-agree (a typo)", ex, make_claim("monte-carlo-agree", {"mc"}), "rule",
                      "monte-carlo-agree"));
  EXPECT_TRUE(refused("rule Value-Equals (case)", ex, make_claim("Value-Equals", {"mc"}), "rule"));
  EXPECT_TRUE(refused("empty rule", ex, make_claim("", {"mc"}), "rule"));
  EXPECT_TRUE(refused("unknown first run", ex, make_claim("never-violated", {"nope"}), "runs[0]", "nope"));
  EXPECT_TRUE(refused("unknown second run", ex, make_claim("dominates", {"pref-a", "nope"}), "runs[1]", "nope"));
  EXPECT_TRUE(accepted("control: never-violated on fv", ex, make_claim("never-violated", {"fv"})));
}

TEST_F(CheckClaim, Tolerance) {
  Claim c = make_claim("sign-flip-lemma", {"flip"});
  c.fields.tolerance = 0.0;
  EXPECT_TRUE(accepted("tolerance 0", ex, c));
  c.fields.tolerance = -1e-300;
  EXPECT_TRUE(refused("tolerance -1e-300", ex, c, "tolerance"));
  c.fields.tolerance = std::nan("");
  EXPECT_TRUE(refused("tolerance NaN", ex, c, "tolerance"));
}

TEST_F(CheckClaim, WrongRunKindIsRefusedRightKindAccepted) {
  const struct {
    const char* rule;
    const char* right;  // a run of the kind the rule reads
    const char* wrong;
    const char* kind;   // named in the refusal
  } cases[] = {
      {"monte-carlo-agrees", "mc", "pref-a", "mc-preference"},
      {"bound-feasible", "bound", "fv", "base-bound"},
      {"bound-minimal", "bound", "mc", "base-bound"},
      {"never-violated", "fv", "bound", "first-violation"},
      {"violated-before", "fv", "flip", "first-violation"},
      {"sign-flip-lemma", "flip", "pref-a", "sign-flip"},
  };
  for (const auto& c : cases) {
    Claim claim = make_claim(c.rule, {c.right});
    claim.fields.expected = 1e4;
    EXPECT_TRUE(accepted(std::string(c.rule) + " on " + c.right, ex, claim));
    claim.fields.runs = {c.wrong};
    const std::string reads = std::string("reads kind ") + c.kind;
    EXPECT_TRUE(refused(std::string(c.rule) + " on " + c.wrong, ex, claim, "runs[0]", reads));
    claim.fields.runs = {c.right, c.wrong};
    EXPECT_TRUE(refused(std::string(c.rule) + " on " + c.right + ", " + c.wrong, ex, claim, "runs[1]", reads));
  }
  EXPECT_TRUE(refused("dominates on pref-a, fv", ex, make_claim("dominates", {"pref-a", "fv"}), "runs[1]",
                      "reads kind preference"));
  EXPECT_TRUE(refused("dominates on mc, pref-b", ex, make_claim("dominates", {"mc", "pref-b"}), "runs[0]",
                      "reads kind preference"));
  // value-equals and assumption read any kind.
  Claim any = make_claim("value-equals", {"mc", "bound", "fv", "pref-a", "flip"});
  any.fields.expected = 1;
  any.fields.dataset = "value";
  EXPECT_TRUE(accepted("value-equals over runs of five kinds", ex, any));
}

TEST_F(CheckClaim, MissingExpectedOrDataset) {
  for (const auto& [rule, run] : {std::pair<const char*, const char*>{"value-equals", "pref-a"},
                                  {"bound-feasible", "bound"},
                                  {"bound-minimal", "bound"},
                                  {"violated-before", "fv"}}) {
    Claim c = make_claim(rule, {run});
    c.fields.dataset = pref::kValue.name;
    EXPECT_TRUE(refused(std::string(rule) + " without expected", ex, c, "expected", rule));
    c.fields.expected = 0.0;
    EXPECT_TRUE(accepted(std::string(rule) + " with expected = 0", ex, c));
  }
  Claim c = make_claim("value-equals", {"pref-a"});
  c.fields.expected = 1;
  EXPECT_TRUE(refused("value-equals without dataset", ex, c, "dataset", "value-equals"));
}

TEST_F(CheckClaim, DominatesRunsAndDataset) {
  EXPECT_TRUE(refused("dominates on one run", ex, make_claim("dominates", {"pref-a"}), "runs", "exactly 2"));
  EXPECT_TRUE(refused("dominates on three runs", ex, make_claim("dominates", {"pref-a", "pref-b", "pref-a2"}), "runs",
                      "exactly 2"));
  for (const char* good : {"", "value", "by_axis.t", "by_axis.h", "by_axis.w"}) {
    Claim c = make_claim("dominates", {"pref-a", "pref-b"});
    c.fields.dataset = good;
    EXPECT_TRUE(accepted(std::string("dominates dataset '") + good + "'", ex, c));
  }
  for (const char* bad : {"by_axis", "by_axis.x", "distance", "Value"}) {
    Claim c = make_claim("dominates", {"pref-a", "pref-b"});
    c.fields.dataset = bad;
    EXPECT_TRUE(refused(std::string("dominates dataset '") + bad + "'", ex, c, "dataset", "got \"" + std::string(bad) + "\""));
  }
}

TEST_F(CheckClaim, AssumptionRunsTextAndInnerRule) {
  const auto assumption = [](const std::vector<std::string>& runs, const std::string& inner) {
    Claim c = make_claim("assumption", runs);
    c.fields.inner_rule = inner;
    c.fields.assumption = "temporal pairs only";
    c.fields.expected = 100;
    return c;
  };
  EXPECT_TRUE(accepted("control: violated-before on fv-t, fv", ex, assumption({"fv-t", "fv"}, "violated-before")));
  EXPECT_TRUE(refused("one run", ex, assumption({"fv-t"}, "violated-before"), "runs", "exactly 2"));
  EXPECT_TRUE(refused("three runs", ex, assumption({"fv-t", "fv", "fv2"}, "violated-before"), "runs", "exactly 2"));
  Claim no_text = assumption({"fv-t", "fv"}, "violated-before");
  no_text.fields.assumption.clear();
  EXPECT_TRUE(refused("no assumption text", ex, no_text, "assumption"));
  for (const char* inner : {"", "dominates", "assumption", "violated-after"}) {
    EXPECT_TRUE(refused(std::string("inner_rule '") + inner + "'", ex, assumption({"fv-t", "fv"}, inner), "inner_rule",
                        "\"" + std::string(inner) + "\""));
  }
  Claim no_expected = assumption({"fv-t", "fv"}, "violated-before");
  no_expected.fields.expected.reset();
  EXPECT_TRUE(refused("inner violated-before without expected", ex, no_expected, "expected"));
  EXPECT_TRUE(refused("inner value-equals without dataset", ex, assumption({"fv-t", "fv"}, "value-equals"), "dataset"));
  EXPECT_TRUE(refused("inner monte-carlo-agrees on mc, pref-a", ex, assumption({"mc", "pref-a"}, "monte-carlo-agrees"),
                      "runs[1]", "inner_rule monte-carlo-agrees"));
  EXPECT_TRUE(refused("inner never-violated on bound, fv", ex, assumption({"bound", "fv"}, "never-violated"), "runs[0]",
                      "inner_rule never-violated"));
  Claim not_assumption = make_claim("never-violated", {"fv"});
  not_assumption.fields.inner_rule = "never-violated";
  EXPECT_TRUE(refused("inner_rule on rule never-violated", ex, not_assumption, "inner_rule"));
}

TEST(ClaimsInSpec, ARefusalNamesTheClaimAndKey) {
  // parse_spec_text turns ClaimError into one InputError line: file: claim[i].key: ...
  const struct {
    const char* name;
    std::string claim;
    const char* key;
  } cases[] = {
      {"violated-before without expected", claim_toml("violated-before", {"fv"}), "claims_test.toml: claim[0].expected: "},
      {"unknown run", claim_toml("never-violated", {"fv", "nope"}), "claims_test.toml: claim[0].runs[1]: "},
      {"negative tolerance", claim_toml("sign-flip-lemma", {"flip"}, "tolerance = -0.5\n"),
       "claims_test.toml: claim[0].tolerance: "},
  };
  for (const auto& c : cases) {
    try {
      (void)spec_with(c.claim);
      ADD_FAILURE() << "case: " << c.name << "\n  expected InputError starting " << c.key << "\n  actual: accepted";
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()).rfind(c.key, 0), 0u)
          << "case: " << c.name << "\n  expected InputError starting " << c.key << "\n  actual: " << e.what();
    }
  }
}

}  // namespace
}  // namespace hopelab::batch
