#pragma once
// The rules of [[claim]] tables (docs/usage.md "Claims"): each reads the records of a claim's runs
// and returns its verdict, what it computed and the numbers that decided it. claims.cpp checks a
// claim's fields against its rule and evaluates it through apply_rule.

#include <optional>
#include <string>
#include <vector>

#include "batch/claims.h"
#include "results/run_record.h"

namespace hopelab::batch {

// The outcome of one rule on its runs' records: nullopt holds = n/a. `numbers` and `why` are
// the values that decided it (ClaimNumbers) and one sentence saying so.
struct Outcome {
  std::optional<bool> holds;
  std::string computed, monte_carlo = "-";
  ClaimNumbers numbers;
  std::string why;
};

// Per run, its units' records in expansion order (all present, else the first absent unit).
using RunRecords = std::vector<std::vector<const results::RunRecord*>>;

// The outcome of rule `rule` (a name of claim_rule_names() other than "assumption") on `runs`.
Outcome apply_rule(const std::string& rule, const ClaimFields& f, const RunRecords& runs);

// The items joined by `separator`.
std::string joined(const std::vector<std::string>& items, const char* separator);

}  // namespace hopelab::batch
