#include "batch/claims.h"

#include <map>
#include <optional>

#include "batch/claim_rules.h"
#include "kinds/base_bound.h"
#include "kinds/first_violation.h"
#include "kinds/mc_preference.h"
#include "kinds/preference.h"
#include "kinds/registry.h"
#include "kinds/sign_flip.h"
#include "kinds/vlm_niah.h"
#include "output/cli_output.h"

namespace hopelab::batch {

namespace {

using results::RunRecord;

// ---- the rules: which kinds each reads, how many runs, which parameters ---------------------

struct RuleInfo {
  const char* name;
  std::vector<std::string> kinds;  // kinds of run the rule reads
  size_t runs = 0;                 // exact number of runs, 0: any (>= 1)
  bool needs_expected = false;
  bool needs_dataset = false;
};

const std::vector<RuleInfo>& rules() {
  static const std::vector<RuleInfo> table = {
      {"monte-carlo-agrees", {kinds::mc_preference_kind().name()}, 0, false, false},
      {"value-equals", {}, 0, true, true},
      {"bound-feasible", {kinds::base_bound_kind().name()}, 0, true, false},
      {"bound-minimal", {kinds::base_bound_kind().name()}, 0, true, false},
      {"never-violated", {kinds::first_violation_kind().name()}, 0, false, false},
      {"violated-before", {kinds::first_violation_kind().name()}, 0, true, false},
      {"dominates", {kinds::preference_kind().name()}, 2, false, false},
      {"sign-flip-lemma", {kinds::sign_flip_kind().name()}, 0, false, false},
      {"paired-better", {kinds::vlm_niah_kind().name()}, 2, false, false},
      {"value-in-range", {}, 0, false, true},
      {"increasing", {}, 0, false, true},
      {"decreasing", {}, 0, false, true},
      {"assumption", {}, 2, false, false},
  };
  return table;
}

const RuleInfo* find_rule(const std::string& name) {
  for (const RuleInfo& r : rules()) {
    if (name == r.name) return &r;
  }
  return nullptr;
}


std::string run_kind(const Experiment& ex, const std::string& run) {
  for (const WorkUnit& u : ex.units) {
    if (u.run == run) return u.kind;
  }
  return "";
}

// Checks `rule` with the claim's parameters (the inner rule of `assumption` too).
void check_rule(const Experiment& ex, const ClaimFields& f, const RuleInfo& rule, const char* rule_key) {
  if (rule.runs != 0 && f.runs.size() != rule.runs) {
    throw ClaimError("runs", std::string("rule ") + rule.name + " reads exactly " + std::to_string(rule.runs) +
                                 " runs, got " + std::to_string(f.runs.size()));
  }
  for (size_t k = 0; k < f.runs.size(); ++k) {
    const std::string kind = run_kind(ex, f.runs[k]);
    if (!rule.kinds.empty() && std::find(rule.kinds.begin(), rule.kinds.end(), kind) == rule.kinds.end()) {
      throw ClaimError("runs[" + std::to_string(k) + "]", "run \"" + f.runs[k] + "\" is of kind " + kind + "; " +
                                                               rule_key + " " + rule.name + " reads kind " +
                                                               joined(rule.kinds, ", "));
    }
  }
  if (rule.needs_expected && !f.expected) {
    throw ClaimError("expected", std::string("required for rule ") + rule.name);
  }
  if (rule.needs_dataset && f.dataset.empty()) throw ClaimError("dataset", std::string("required for rule ") + rule.name);
  if (rule.needs_dataset) {  // a dataset the runs' kind does not write is an error now, not n/a later
    for (const std::string& run : f.runs) {
      const kinds::Kind* kind = kinds::find_kind(run_kind(ex, run));
      if (kind == nullptr) continue;
      std::vector<std::string> names;
      for (const kinds::DatasetName& d : kind->datasets()) names.push_back(d.name);
      if (std::find(names.begin(), names.end(), f.dataset) == names.end()) {
        throw ClaimError("dataset", "run \"" + run + "\" (kind " + kind->name() + ") has no dataset \"" + f.dataset +
                                        "\"; it writes " + joined(names, ", "));
      }
    }
  }
  if (std::string(rule.name) == "dominates" && !f.dataset.empty() && f.dataset != "value" &&
      f.dataset != "by_axis.t" && f.dataset != "by_axis.h" && f.dataset != "by_axis.w") {
    throw ClaimError("dataset", "rule dominates reads value, by_axis.t, by_axis.h or by_axis.w, got \"" + f.dataset + "\"");
  }
  if (std::string(rule.name) == "value-in-range" &&
      (f.range.size() != 2 || std::isnan(f.range[0]) || std::isnan(f.range[1]) || f.range[0] > f.range[1])) {
    throw ClaimError("range", "rule value-in-range needs range = [low, high] with low <= high");
  }
  if (std::string(rule.name) == "paired-better") {
    if (!f.dataset.empty() && f.dataset != kinds::vlm_niah::kBeyondAccuracy.name &&
        f.dataset != kinds::vlm_niah::kMeanAccuracy.name) {
      throw ClaimError("dataset", "rule paired-better reads beyond_accuracy or mean_accuracy, got \"" + f.dataset + "\"");
    }
    if (!f.eval_indices.empty() &&
        (f.eval_indices.size() != 2 || std::any_of(f.eval_indices.begin(), f.eval_indices.end(), [](double i) {
           return !(i >= 0 && i < 1e6) || i != std::floor(i);
         }))) {
      throw ClaimError("eval_indices", "expected two whole numbers >= 0 (run a's evaluation, run b's)");
    }
  }
}


std::string verdict_text(const std::optional<bool>& holds) { return !holds ? "n/a" : *holds ? "holds" : "fails"; }

}  // namespace

const std::vector<std::string>& claim_rule_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const RuleInfo& r : rules()) out.emplace_back(r.name);
    return out;
  }();
  return names;
}

void check_claim(const Experiment& ex, const Claim& claim) {
  const ClaimFields& f = claim.fields;
  const RuleInfo* rule = find_rule(f.rule);
  if (rule == nullptr) {
    throw ClaimError("rule", "expected one of " + joined(claim_rule_names(), ", ") + ", got \"" + f.rule + "\"");
  }
  for (size_t k = 0; k < f.runs.size(); ++k) {
    if (run_kind(ex, f.runs[k]).empty()) {
      throw ClaimError("runs[" + std::to_string(k) + "]", "unknown run \"" + f.runs[k] + "\"");
    }
  }
  if (!(f.tolerance >= 0)) throw ClaimError("tolerance", "expected a number >= 0, got " + cli::compact_text(f.tolerance));
  if (!(f.level > 0 && f.level < 1)) throw ClaimError("level", "expected a number in (0, 1), got " + cli::compact_text(f.level));
  if (f.rule != "assumption") {
    if (!f.inner_rule.empty()) throw ClaimError("inner_rule", "only rule assumption reads inner_rule");
    check_rule(ex, f, *rule, "rule");
    return;
  }
  check_rule(ex, f, *rule, "rule");
  if (f.assumption.empty()) throw ClaimError("assumption", "required for rule assumption (the assumption in words)");
  const RuleInfo* inner = find_rule(f.inner_rule);
  if (inner == nullptr || inner->runs != 0 || f.inner_rule == "assumption") {
    std::vector<std::string> allowed;
    for (const RuleInfo& r : rules()) {
      if (r.runs == 0) allowed.emplace_back(r.name);
    }
    throw ClaimError("inner_rule", "required for rule assumption: one of " + joined(allowed, ", ") + ", got \"" +
                                       f.inner_rule + "\"");
  }
  check_rule(ex, f, *inner, "inner_rule");
}

std::vector<ClaimResult> evaluate_claims(const Experiment& ex, const std::vector<RunRecord>& records) {
  std::map<std::string, const RunRecord*> by_group;
  for (const RunRecord& r : records) by_group[r.group] = &r;
  std::vector<ClaimResult> out;
  for (const Claim& claim : ex.claims) {
    const ClaimFields& f = claim.fields;
    ClaimResult result{f.id, f.source, f.statement, f.rule, joined(f.runs, ","), f.assumption, "", "-", "n/a", {}, ""};
    RunRecords runs;
    std::string missing;
    for (const std::string& name : f.runs) {
      runs.emplace_back();
      for (const WorkUnit& u : ex.units) {
        if (u.run != name) continue;
        const auto it = by_group.find(u.group);
        if (it == by_group.end()) {
          if (missing.empty()) missing = "unit " + u.name + " absent";
        } else {
          runs.back().push_back(it->second);
        }
      }
    }
    if (!missing.empty()) {
      result.computed = missing;
      result.why = missing;
      out.push_back(result);
      continue;
    }
    if (f.rule == "assumption") {
      const Outcome restricted = apply_rule(f.inner_rule, f, {runs[0]});
      const Outcome unrestricted = apply_rule(f.inner_rule, f, {runs[1]});
      result.computed = "under the assumption (" + f.runs[0] + "): " + restricted.computed + " [" +
                        verdict_text(restricted.holds) + "]; without (" + f.runs[1] + "): " + unrestricted.computed +
                        " [" + verdict_text(unrestricted.holds) + "]";
      if (restricted.monte_carlo != "-" || unrestricted.monte_carlo != "-") {
        result.monte_carlo = restricted.monte_carlo + "; " + unrestricted.monte_carlo;
      }
      if (!restricted.holds || !unrestricted.holds) result.verdict = "n/a";
      else if (!*restricted.holds) result.verdict = "fails";
      else result.verdict = *unrestricted.holds ? "holds" : "holds only under an assumption";
      // The numbers of the side that decided: where the restricted run fails, or where the
      // unrestricted one breaks without the assumption.
      const bool restricted_decides = restricted.holds && !*restricted.holds;
      const Outcome& decisive = restricted_decides ? restricted : unrestricted;
      result.numbers = decisive.numbers;
      if (result.verdict == "n/a") {
        result.why = !restricted.holds ? restricted.why : unrestricted.why;
      } else if (restricted_decides) {
        result.why = "even with the assumption (" + f.runs[0] + "): " + restricted.why;
      } else {
        result.why = "with the assumption (" + f.runs[0] + ") it holds; without (" + f.runs[1] + "): " +
                     unrestricted.why;
      }
    } else {
      const Outcome o = apply_rule(f.rule, f, runs);
      result.computed = o.computed;
      result.monte_carlo = o.monte_carlo;
      result.verdict = verdict_text(o.holds);
      result.numbers = o.numbers;
      result.why = o.why;
    }
    out.push_back(result);
  }
  return out;
}

}  // namespace hopelab::batch
