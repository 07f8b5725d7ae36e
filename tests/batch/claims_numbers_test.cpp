// The numbers each rule stores beside its verdict (ClaimNumbers: value, threshold, ratio,
// violation_at; docs/usage.md "Claims"), and the claims table (batch/claims_table.h): the
// /claims record read back, old records without the number columns, and the text table's
// width on hostile text (helpers and the spec: claims_test_support.h).

#include <sstream>

#include "batch/claims_table.h"
#include "claims_test_support.h"

namespace hopelab::batch {
namespace {

using namespace claims_test;

bool same_number(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

::testing::AssertionResult numbers_are(const std::string& case_name, const ClaimResult& r, ClaimNumbers expected) {
  const ClaimNumbers& n = r.numbers;
  if (same_number(n.value, expected.value) && same_number(n.threshold, expected.threshold) &&
      same_number(n.ratio, expected.ratio) && same_number(n.violation_at, expected.violation_at)) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "case: " << case_name << "\n  expected value, threshold, ratio, violation_at: "
                                       << expected.value << ", " << expected.threshold << ", " << expected.ratio
                                       << ", " << expected.violation_at << "\n  actual: " << n.value << ", "
                                       << n.threshold << ", " << n.ratio << ", " << n.violation_at
                                       << "\n  why: " << r.why;
}

RunRecord fv_record(const Experiment& ex, const std::string& run, size_t k, std::int64_t first, std::int64_t proven = 0) {
  RunRecord r = unit_record(ex, run, k);
  r.datasets.push_back(integers(fv::kFirstViolation, {first}));
  r.datasets.push_back(integers(fv::kProvenNever, {proven}));
  return r;
}

RunRecord bound_record(const Experiment& ex, const std::string& run, size_t k, double base, std::int64_t max_distance,
                       std::int64_t head_dim) {
  RunRecord r = unit_record(ex, run, k);
  r.attributes.push_back({"head_dim", head_dim});
  r.datasets.push_back(numbers(bb::kBase, {base}));
  r.datasets.push_back(integers(bb::kMaxDistance, {max_distance}));
  return r;
}

// The smallest m in [1, max_m] with sum_{i < d/2} cos(m b^(-2i/d)) < 0, in long double; 0: none.
std::int64_t oracle_first_negative(long double base, int d, std::int64_t max_m) {
  for (std::int64_t m = 1; m <= max_m; ++m) {
    long double s = 0;
    for (int i = 0; i < d / 2; ++i) s += std::cos(static_cast<long double>(m) * std::pow(base, -2.0L * i / d));
    if (s < 0) return m;
  }
  return 0;
}

std::string expected_line(double value) {
  std::ostringstream text;
  text.precision(17);
  text << "expected = " << value << "\n";
  return text.str();
}

// ---- the rules' numbers ----------------------------------------------------------------------------

TEST(ClaimNumbers, BoundFeasibleGivesWhereThePapersBaseFirstBreaks) {
  // d = 16: a base whose first negative B(m) lies inside m <= 100 but not inside m <= 50 (found
  // by the oracle), so the unit with the longer range breaks and the other does not.
  double base = 0;
  std::int64_t first = 0;
  for (double b = 40.0; b < 5000.0 && first == 0; b *= 1.013) {
    const std::int64_t m = oracle_first_negative(b, 16, 100);
    if (m > 50) base = b, first = m;
  }
  ASSERT_GT(first, 50) << "precondition: a base that breaks in (50, 100]";
  const Experiment ex = spec_with(claim_toml("bound-feasible", {"bound2"}, expected_line(base)));
  const ClaimResult r = evaluate_one(ex, {bound_record(ex, "bound2", 0, 30.0, 50, 16), bound_record(ex, "bound2", 1, 40.0, 100, 16)});
  EXPECT_TRUE(verdict_is("breaks at m <= 100", r, kFails));
  EXPECT_TRUE(numbers_are("paper base, the breaking unit's b*, their ratio, first m", r,
                          {base, 40.0, base / 40.0, static_cast<double>(first)}));
  EXPECT_TRUE(text_has("breaks at m <= 100", "why", r.why, "first breaks at m = " + std::to_string(first) + " <= 100"));
}

TEST(ClaimNumbers, BoundMinimalGivesTheUnitFurthestFromThePaper) {
  const Experiment ex = spec_with(claim_toml("bound-minimal", {"bound2"}, "expected = 1024\ntolerance = 0.125\n"));
  const ClaimResult r = evaluate_one(ex, {bound_record(ex, "bound2", 0, 1000, 50, 16), bound_record(ex, "bound2", 1, 800, 100, 16)});
  EXPECT_TRUE(verdict_is("b* 800 is 21.9% below 1024", r, kFails));
  EXPECT_TRUE(numbers_are("paper, b* 800, paper/b*", r, {1024, 800, 1024.0 / 800.0, NAN}));
  EXPECT_TRUE(text_has("b* 800", "why", r.why, "the rule allows 12.5%"));
}

TEST(ClaimNumbers, ViolationRules) {
  const Experiment never = spec_with(claim_toml("never-violated", {"fv2"}));
  EXPECT_TRUE(numbers_are("never-violated: smallest m", evaluate_one(never, {fv_record(never, "fv2", 0, 70), fv_record(never, "fv2", 1, 30)}),
                          {30, NAN, NAN, 30}));
  EXPECT_TRUE(numbers_are("never-violated holding: none", evaluate_one(never, {fv_record(never, "fv2", 0, -1, 1), fv_record(never, "fv2", 1, -1)}),
                          {NAN, NAN, NAN, NAN}));
  const Experiment before = spec_with(claim_toml("violated-before", {"fv2"}, "expected = 100\n"));
  EXPECT_TRUE(numbers_are("violated-before: largest m against the bound", evaluate_one(before, {fv_record(before, "fv2", 0, 20), fv_record(before, "fv2", 1, 150)}),
                          {150, 100, 1.5, 20}));
  const ClaimResult none = evaluate_one(before, {fv_record(before, "fv2", 0, 20), fv_record(before, "fv2", 1, -1, 1)});
  EXPECT_TRUE(numbers_are("violated-before, a unit never violates: infinite", none, {kInf, 100, kInf, 20}));
  EXPECT_TRUE(text_has("a unit never violates", "why", none.why, "never (proven)"));
}

TEST(ClaimNumbers, AssumptionTakesTheDecidingSide) {
  const Experiment ex = spec_with(claim_toml("assumption", {"fv-t", "fv"},
                                             "inner_rule = \"violated-before\"\nexpected = 100\n"
                                             "assumption = \"temporal pairs only\"\n"));
  const ClaimResult only = evaluate_one(ex, {fv_record(ex, "fv-t", 0, 16), fv_record(ex, "fv", 0, 101)});
  EXPECT_TRUE(verdict_is("only under", only, kOnlyUnder));
  EXPECT_TRUE(numbers_are("without the assumption: m = 101 > 100", only, {101, 100, 1.01, 101}));
  EXPECT_TRUE(text_has("only under", "why", only.why, "without (fv)"));
  const ClaimResult fails = evaluate_one(ex, {fv_record(ex, "fv-t", 0, 150), fv_record(ex, "fv", 0, 16)});
  EXPECT_TRUE(verdict_is("restricted fails", fails, kFails));
  EXPECT_TRUE(numbers_are("with the assumption: m = 150 > 100", fails, {150, 100, 1.5, 150}));
  EXPECT_TRUE(text_has("restricted fails", "why", fails.why, "even with the assumption"));
}

TEST(ClaimNumbers, MonteCarloAgreesAndDominatesGiveTheFirstBadDistance) {
  const Experiment mc_ex = spec_with(claim_toml("monte-carlo-agrees", {"mc"}));
  RunRecord mc = mc_record(mc_ex, "mc", 0, {2, 1, 0}, shifted({2, 1, 0}, {1, 4, -5}));
  mc.datasets.push_back(numbers(mc::kDistance, {0, 500, 1000}));
  const ClaimResult agree = evaluate_one(mc_ex, {mc});
  EXPECT_TRUE(verdict_is("z = 1, 4, -5 against 3", agree, kFails));
  EXPECT_TRUE(numbers_are("max |z|, bound, ratio, first disagreeing distance", agree, {5, kZBound, 5 / kZBound, 500}));

  const Experiment dom_ex = spec_with(claim_toml("dominates", {"pref-a", "pref-b"}));
  RunRecord a = unit_record(dom_ex, "pref-a", 0), b = unit_record(dom_ex, "pref-b", 0);
  a.datasets.push_back(numbers(pref::kValue, {5, 3, 1, 0}));
  b.datasets.push_back(numbers(pref::kValue, {5, 4, 3, 0}));
  a.datasets.push_back(numbers(pref::kDistance, {0, 5000, 10000, 15000}));
  const ClaimResult dom = evaluate_one(dom_ex, {a, b});
  EXPECT_TRUE(verdict_is("a < b at 5000 and 10000", dom, kFails));
  EXPECT_TRUE(numbers_are("min(a - b), 0, -, first distance below", dom, {-2, 0, NAN, 5000}));
}

TEST(ClaimNumbers, ValueEqualsGivesTheElementFurthestFromExpected) {
  const Experiment ex = spec_with(claim_toml("value-equals", {"fv2"}, dataset_line(fv::kFirstViolation) + "expected = 100\ntolerance = 0.1\n"));
  const ClaimResult r = evaluate_one(ex, {fv_record(ex, "fv2", 0, 95), fv_record(ex, "fv2", 1, 120)});
  EXPECT_TRUE(verdict_is("120 is 20% off", r, kFails));
  EXPECT_TRUE(numbers_are("120 against 100", r, {120, 100, 1.2, NAN}));
}

// ---- the /claims record and the table -----------------------------------------------------------

std::vector<ClaimResult> sample_claims() {
  ClaimResult holds{"a", "src", "holds claim", "never-violated", "fv", "", "none", "-", kHolds, {}, "no unit violates"};
  ClaimResult fails{"b", "src", "fails claim", "violated-before", "fv", "", "m = 150", "-", kFails, {150, 100, 1.5, 20},
                    "not violated by 100"};
  ClaimResult only{"c", "src", "assumed claim", "assumption", "fv-t,fv", "temporal only", "...", "-", kOnlyUnder,
                   {kInf, 100, kInf, 20}, "with the assumption it holds"};
  return {holds, fails, only};
}

TEST(ClaimsTable, RecordReadsBackEveryColumn) {
  const std::vector<ClaimResult> claims = sample_claims();
  const std::vector<ClaimResult> back = claims_from_record(claims_record(claims, 7));
  ASSERT_EQ(back.size(), claims.size());
  for (size_t k = 0; k < claims.size(); ++k) {
    EXPECT_EQ(back[k].id, claims[k].id);
    EXPECT_EQ(back[k].verdict, claims[k].verdict);
    EXPECT_EQ(back[k].why, claims[k].why);
    EXPECT_EQ(back[k].assumption, claims[k].assumption);
    EXPECT_TRUE(numbers_are("row " + std::to_string(k), back[k], claims[k].numbers));
  }
}

TEST(ClaimsTable, OldRecordsWithoutTheNewColumnsRead) {
  RunRecord old = claims_record(sample_claims(), 7);
  old.datasets.erase(std::remove_if(old.datasets.begin(), old.datasets.end(),
                                    [](const Dataset& d) {
                                      return d.name == "why" || d.name == "value" || d.name == "threshold" ||
                                             d.name == "ratio" || d.name == "violation_at";
                                    }),
                     old.datasets.end());
  const std::vector<ClaimResult> back = claims_from_record(old);
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back[1].computed, "m = 150");
  EXPECT_TRUE(back[1].why.empty());
  EXPECT_TRUE(numbers_are("no number columns", back[1], {NAN, NAN, NAN, NAN}));
  std::ostringstream text;
  print_claims_table(back, text);
  EXPECT_NE(text.str().find("b, fails: m = 150"), std::string::npos) << "the computed text stands in for why:\n"
                                                                     << text.str();
}

TEST(ClaimsTable, ColumnsOfDifferentLengthsAreRefused) {
  RunRecord bad = claims_record(sample_claims(), 7);
  for (Dataset& d : bad.datasets) {
    if (d.name == "ratio") d.numbers.pop_back(), d.shape = {2};
  }
  EXPECT_THROW(claims_from_record(bad), InputError);
}

TEST(ClaimsTable, TextColumnsCountCodePoints) {
  EXPECT_EQ(text_columns("abc"), 3u);
  EXPECT_EQ(text_columns("\xce\xb3 \xe2\x89\xa5 1"), 5u);  // "γ ≥ 1"
  EXPECT_EQ(text_columns(""), 0u);
}

TEST(ClaimsTable, NoLineWiderThanTheLimitOnHostileText) {
  std::vector<ClaimResult> claims = sample_claims();
  std::string greek;
  for (int k = 0; k < 120; ++k) greek += "\xce\xb3";  // 120 columns of gamma, 240 bytes
  claims[1].id = std::string(70, 'i');
  claims[1].statement = "a statement " + greek + " with\ta tab and \x1b[31m an escape";
  claims[1].why = std::string(250, 'w') + " then " + greek + " words " + std::string(99, 'x');
  claims[2].assumption = greek + " " + greek;
  claims[2].verdict = "holds only under an assumption\n(and a newline)";
  std::ostringstream text;
  print_claims_table(claims, text);
  std::istringstream lines(text.str());
  size_t count = 0, with_why = 0;
  for (std::string line; std::getline(lines, line); ++count) {
    EXPECT_LE(text_columns(line), kClaimsTableWidth) << "line " << count << ": " << line;
    EXPECT_EQ(line.find('\x1b'), std::string::npos) << "an escape byte reached the terminal: " << line;
    with_why += line.rfind("  iiii", 0) == 0 ? 1 : 0;
  }
  EXPECT_EQ(with_why, 1u) << "the failing claim's why block:\n" << text.str();
}

TEST(ClaimsTable, WrappingKeepsEveryCharacterOfAWordLongerThanALine) {
  const auto count_w = [](std::vector<ClaimResult> claims, const std::string& why) {
    claims[1].why = why;
    std::ostringstream text;
    print_claims_table(claims, text);
    const std::string all = text.str();
    return std::count(all.begin(), all.end(), 'w');
  };
  const std::string word(250, 'w');
  EXPECT_EQ(count_w(sample_claims(), word + " " + word) - count_w(sample_claims(), "v"), 500);
}

}  // namespace
}  // namespace hopelab::batch
