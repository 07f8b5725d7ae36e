// check_claim's refusals: each names the key of the claim that is wrong, also through
// parse_spec_text (helpers and the spec: claims_test_support.h).

#include "claims_test_support.h"

namespace hopelab::batch {
namespace {

using namespace claims_test;

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
  // value-equals and assumption read any kind that writes the dataset.
  Claim any = make_claim("value-equals", {"fv", "pref-a"});
  any.fields.expected = 1;
  any.fields.dataset = "value";
  EXPECT_TRUE(accepted("value-equals over runs of two kinds writing value", ex, any));
}

TEST_F(CheckClaim, DatasetTheRunsDoNotWriteIsRefusedAtLoadTime) {
  Claim c = make_claim("value-equals", {"fv", "mc"});
  c.fields.expected = 1;
  c.fields.dataset = "value";
  EXPECT_TRUE(refused("value-equals reading value of an mc-preference run", ex, c, "dataset",
                      "run \"mc\" (kind mc-preference) has no dataset \"value\""));
  c.fields.runs = {"bound"};
  c.fields.dataset = "no_such_dataset";
  EXPECT_TRUE(refused("value-equals reading a dataset no kind writes", ex, c, "dataset", "no_such_dataset"));
  c.fields.dataset = "base";
  EXPECT_TRUE(accepted("value-equals reading base-bound's base", ex, c));
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
