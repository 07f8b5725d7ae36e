#pragma once
// The fields of a [[claim]] table: a claim of a paper checked against the units of named runs
// (batch/claims.h; the rules and their parameters are documented there and in docs/usage.md).

#include <optional>
#include <string>
#include <vector>

#include "params/field.h"

namespace hopelab::batch {

struct ClaimFields {
  std::string id;         // required, unique
  std::string statement;  // required
  std::string source;     // required
  std::vector<std::string> runs;  // required, non-empty
  std::string rule;       // required
  std::optional<double> expected;
  double tolerance = 0.0;
  std::string dataset;
  std::string assumption;
  std::string inner_rule;
  double level = 0.05;
  std::vector<double> eval_indices;
  std::vector<double> range;
};

template <class V>
void visit_fields(ClaimFields& f, V&& v) {
  using namespace params;
  v(Field{"id", "", any(), "claim id (required, unique)"}, f.id);
  v(Field{"statement", "", any(), "the claim in words (required)"}, f.statement);
  v(Field{"source", "", any(), "where it is stated, e.g. \"HoPE Theorem 3.1\" (required)"}, f.source);
  v(Field{"runs", "", any(), "names of the runs whose units the rule reads (required)"}, f.runs);
  v(Field{"rule", "", any(), "how it is checked: one of claim_rule_names() (batch/claims.h)"}, f.rule);
  v(Field{"expected", "", any(), "value-equals: the value; bound-*: the paper's base; violated-before: the length"},
    f.expected);
  v(Field{"tolerance", "1", any(), "value-equals, bound-minimal: relative tolerance; sign-flip-lemma: slack"},
    f.tolerance);
  v(Field{"dataset", "", any(),
          "value-equals: dataset read; dominates: value (default) or by_axis.t/h/w; paired-better: "
          "beyond_accuracy (default) or mean_accuracy"},
    f.dataset);
  v(Field{"assumption", "", any(), "assumption: the assumption in words (required for that rule)"}, f.assumption);
  v(Field{"inner_rule", "", any(), "assumption: the rule checked on the restricted and the unrestricted run"},
    f.inner_rule);
  v(Field{"level", "1", open(0, 1), "paired-better: significance level of the one-sided sign test"}, f.level);
  v(Field{"eval_indices", "", any(), "paired-better: [i, j], run a's evaluation i against run b's j (default [0, 0])"},
    f.eval_indices);
  v(Field{"range", "", any(), "value-in-range: [low, high], finite, both included"}, f.range);
}

}  // namespace hopelab::batch
