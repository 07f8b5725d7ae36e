#pragma once
// Claims of a spec ([[claim]] tables, docs/usage.md "Claims"): each names runs and a rule; after
// the units are computed (or from checkpoints, shards, merged files) evaluate_claims reads their
// records and gives each claim its computed value, its Monte Carlo value when the runs have
// one, a verdict (holds, fails, holds only under an assumption, or n/a: a unit is absent), and
// the numbers that decided it with a sentence saying so (ClaimNumbers, why).
// A pure function of the spec and the records: the rules read datasets, and bound-feasible
// re-evaluates B_b(m) >= 0 at the paper's base with theory/base_bound.h.

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "batch/spec.h"
#include "results/run_record.h"

namespace hopelab::batch {

// A bad claim: `key` is the claim's key that is wrong (rule, runs[1], expected, ...).
class ClaimError : public std::runtime_error {
 public:
  ClaimError(std::string key_, const std::string& what) : std::runtime_error(what), key(std::move(key_)) {}
  std::string key;
};

// The rules, in documentation order: monte-carlo-agrees, value-equals, bound-feasible,
// bound-minimal, never-violated, violated-before, dominates, sign-flip-lemma, paired-better,
// value-in-range, increasing, decreasing, assumption.
const std::vector<std::string>& claim_rule_names();

// Checks a claim against the spec's runs (rule known, runs known and of the kinds the rule reads,
// parameters present). Throws ClaimError. Called by parse_spec before any unit runs.
void check_claim(const Experiment& ex, const Claim& claim);

// The numbers that decided a verdict, NaN where the rule has none (docs/usage.md "Claims" lists
// them per rule): the measured value, the threshold it was held against, their ratio as the rule
// reads it, and the distance m where the property first breaks.
struct ClaimNumbers {
  double value = NAN, threshold = NAN, ratio = NAN, violation_at = NAN;
};

struct ClaimResult {
  std::string id, source, statement, rule, runs, assumption;
  std::string computed;     // what the rule found (values, per unit when they differ)
  std::string monte_carlo;  // the Monte Carlo side, "-" when the runs have none
  std::string verdict;      // holds, fails, holds only under an assumption, n/a
  ClaimNumbers numbers;
  std::string why;          // the numbers in one sentence: threshold used, where it breaks
};

// One result per claim, in file order. `records` may hold any subset of the spec's units.
std::vector<ClaimResult> evaluate_claims(const Experiment& ex, const std::vector<results::RunRecord>& records);

// The record at /claims and the printed table: batch/claims_table.h.

}  // namespace hopelab::batch
