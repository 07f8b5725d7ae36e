// The claims rule paired-better over vlm-niah runs: units paired by seed, the one-sided exact
// sign test over the non-zero differences against the level, on both sides of its boundaries
// (helpers: claims_test_support.h; the sign test's own reference is tests/theory/binomial_test.cpp).

#include "claims_test_support.h"
#include "kinds/vlm_niah.h"

namespace hopelab::batch {
namespace {

using namespace claims_test;
namespace niah = kinds::vlm_niah;

// Two runs of six seeds each, and a run with two units of one seed.
const std::string kNiahRuns = R"(
[experiment]
name = "claims-paired"
seed = 3

[[run]]
name = "a"
kind = "vlm-niah"
method = "hope"
[run.sweep]
seed = [1, 2, 3, 4, 5, 6]

[[run]]
name = "b"
kind = "vlm-niah"
method = "videorope"
[run.sweep]
seed = [1, 2, 3, 4, 5, 6]

[[run]]
name = "same-seed"
kind = "vlm-niah"
seed = 1
[run.sweep]
method = ["hope", "mrope"]
)";

Experiment niah_spec(const std::string& extra = "", const std::vector<std::string>& runs = {"a", "b"}) {
  return parse_spec_text(kNiahRuns + claim_toml("paired-better", runs, extra), "claims_paired_test.toml");
}

// Unit k of `run` with seed attribute `seed` and beyond_accuracy (G) = `beyond`; mean_accuracy
// is beyond / 2, so the two datasets tell apart.
RunRecord niah_record(const Experiment& ex, const std::string& run, size_t k, std::int64_t seed,
                      const std::vector<double>& beyond) {
  RunRecord r = unit_record(ex, run, k);
  r.attributes.push_back({"seed", seed});
  std::vector<double> mean;
  for (double b : beyond) mean.push_back(b / 2);
  r.datasets.push_back(numbers(niah::kBeyondAccuracy, beyond));
  r.datasets.push_back(numbers(niah::kMeanAccuracy, mean));
  return r;
}

// Records of runs a and b over the first `seeds` seeds with per-seed differences d (a = 0.5 + d,
// b = 0.5).
std::vector<RunRecord> paired(const Experiment& ex, const std::vector<double>& d) {
  std::vector<RunRecord> out;
  for (size_t k = 0; k < d.size(); ++k) {
    out.push_back(niah_record(ex, "a", k, static_cast<std::int64_t>(k + 1), {0.5 + d[k]}));
    out.push_back(niah_record(ex, "b", k, static_cast<std::int64_t>(k + 1), {0.5}));
  }
  return out;
}

TEST(PairedBetter, OneSidedSignTestAtTheLevel) {
  const Experiment ex = niah_spec();
  const struct {
    const char* name;
    std::vector<double> d;
    const char* verdict;
  } cases[] = {
      // P(X >= k) for X ~ Binomial(n, 1/2), n the non-zero differences:
      {"6 of 6 positive: p = 1/64", {.1, .1, .1, .1, .1, .1}, kHolds},
      {"5 of 5 positive (one tie dropped): p = 1/32 <= 0.05", {.1, .1, .1, .1, .1, 0}, kHolds},
      {"5 of 6 positive: p = 7/64 > 0.05", {.1, .1, .1, .1, .1, -.1}, kFails},
      {"4 of 4 positive (two ties): p = 1/16 > 0.05", {.1, .1, .1, .1, 0, 0}, kFails},
      {"all ties: p = 1", {0, 0, 0, 0, 0, 0}, kFails},
      {"6 of 6 negative (b better): p = 1", {-.1, -.1, -.1, -.1, -.1, -.1}, kFails},
  };
  for (const auto& c : cases) EXPECT_TRUE(verdict_is(c.name, evaluate_one(ex, paired(ex, c.d)), c.verdict));
}

TEST(PairedBetter, LevelIsInclusive) {
  const std::vector<double> four = {.1, .1, .1, .1, 0, 0};  // p = 1/16 exactly
  EXPECT_TRUE(verdict_is("level 0.0625 = p", evaluate_one(niah_spec("level = 0.0625\n"), paired(niah_spec(), four)),
                         kHolds));
  EXPECT_TRUE(verdict_is("level 0.0624 < p", evaluate_one(niah_spec("level = 0.0624\n"), paired(niah_spec(), four)),
                         kFails));
}

TEST(PairedBetter, PairsBySeedNotByOrder) {
  const Experiment ex = niah_spec();
  // a's seeds 1..6 in order; b's records carry the seeds reversed: pairing by order would see
  // a - b = +-0.3 alternately, by seed +0.1 everywhere.
  std::vector<RunRecord> records;
  for (size_t k = 0; k < 6; ++k) {
    const auto seed = static_cast<std::int64_t>(k + 1);
    records.push_back(niah_record(ex, "a", k, seed, {0.1 * static_cast<double>(seed) + 0.1}));
    records.push_back(niah_record(ex, "b", k, 7 - seed, {0.1 * static_cast<double>(7 - seed)}));
  }
  const ClaimResult r = evaluate_one(ex, records);
  EXPECT_TRUE(verdict_is("every seed +0.1", r, kHolds));
  EXPECT_TRUE(text_has("every seed +0.1", "computed", r.computed, "6 of 6 non-zero positive"));
}

TEST(PairedBetter, DatasetAndEvaluationIndex) {
  // a's evaluations: [0.4, 0.9]; b's: [0.5]. Index 0 against 0 fails (a worse), 1 against 0 holds.
  const auto records = [](const Experiment& ex) {
    std::vector<RunRecord> out;
    for (size_t k = 0; k < 6; ++k) {
      out.push_back(niah_record(ex, "a", k, static_cast<std::int64_t>(k + 1), {0.4, 0.9}));
      out.push_back(niah_record(ex, "b", k, static_cast<std::int64_t>(k + 1), {0.5}));
    }
    return out;
  };
  const Experiment first = niah_spec();
  const Experiment second = niah_spec("eval_indices = [1, 0]\n");
  EXPECT_TRUE(verdict_is("evaluation 0 of a", evaluate_one(first, records(first)), kFails));
  EXPECT_TRUE(verdict_is("evaluation 1 of a", evaluate_one(second, records(second)), kHolds));
  const Experiment mean = niah_spec("eval_indices = [1, 0]\ndataset = \"mean_accuracy\"\n");
  const ClaimResult m = evaluate_one(mean, records(mean));  // 0.45 against 0.25
  EXPECT_TRUE(verdict_is("mean_accuracy", m, kHolds));
  EXPECT_TRUE(text_has("mean_accuracy", "computed", m.computed, "mean_accuracy"));
  const Experiment beyond_range = niah_spec("eval_indices = [2, 0]\n");
  EXPECT_TRUE(verdict_is("index past the evaluations", evaluate_one(beyond_range, records(beyond_range)), kNotAvailable));
}

TEST(PairedBetter, NotAvailable) {
  const Experiment ex = niah_spec();
  std::vector<RunRecord> nan = paired(ex, {.1, .1, .1, .1, .1, .1});
  nan[0].datasets[0].numbers[0] = std::nan("");
  EXPECT_TRUE(verdict_is("a NaN (no cell beyond training)", evaluate_one(ex, nan), kNotAvailable));
  EXPECT_TRUE(verdict_is("no records", evaluate_one(ex, {}), kNotAvailable));
  const Experiment dup = niah_spec("", {"same-seed", "b"});
  std::vector<RunRecord> records = {niah_record(dup, "same-seed", 0, 1, {0.9}), niah_record(dup, "same-seed", 1, 1, {0.9})};
  for (size_t k = 0; k < 6; ++k) records.push_back(niah_record(dup, "b", k, static_cast<std::int64_t>(k + 1), {0.5}));
  EXPECT_TRUE(verdict_is("two units of one seed", evaluate_one(dup, records), kNotAvailable));
}

TEST(PairedBetter, RefusesBadParameters) {
  const auto refused = [](const std::string& extra, const std::vector<std::string>& runs, const std::string& key) {
    try {
      parse_spec_text(kNiahRuns + kRuns.substr(kRuns.find("[[run]]")) + claim_toml("paired-better", runs, extra),
                      "claims_paired_test.toml");
    } catch (const InputError& e) {
      return std::string(e.what()).find(key) != std::string::npos;
    }
    return false;
  };
  EXPECT_TRUE(refused("dataset = \"accuracy\"\n", {"a", "b"}, "dataset"));
  EXPECT_TRUE(refused("eval_indices = [1]\n", {"a", "b"}, "eval_indices"));
  EXPECT_TRUE(refused("eval_indices = [0.5, 0]\n", {"a", "b"}, "eval_indices"));
  EXPECT_TRUE(refused("level = 0\n", {"a", "b"}, "level"));
  EXPECT_TRUE(refused("", {"a"}, "runs"));
  EXPECT_TRUE(refused("", {"a", "fv"}, "runs[1]"));  // a first-violation run
}

}  // namespace
}  // namespace hopelab::batch
