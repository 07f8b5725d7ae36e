#pragma once
// What the claims engine tests share (tests/batch/claims_*_test.cpp). The claims engine
// (experiments/batch/claims.h) is tested as a pure function: a small spec with the runs
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

namespace hopelab::batch::claims_test {

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

inline constexpr double kInf = std::numeric_limits<double>::infinity();
inline const double kPi = std::acos(-1.0);

inline const char* const kHolds = "holds";
inline const char* const kFails = "fails";
inline const char* const kOnlyUnder = "holds only under an assumption";
inline const char* const kNotAvailable = "n/a";

// ---- the spec: every run the rules read (units are only checked, never computed) -------------

inline const std::string kRuns = R"(
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
inline std::string claim_toml(const std::string& rule, const std::vector<std::string>& runs, const std::string& extra = "") {
  std::string text = "\n[[claim]]\nid = \"c\"\nstatement = \"under test\"\nsource = \"claims_test\"\nrule = \"" + rule +
                     "\"\nruns = [";
  for (size_t k = 0; k < runs.size(); ++k) text += (k ? ", \"" : "\"") + runs[k] + "\"";
  return text + "]\n" + extra;
}

inline std::string dataset_line(const DatasetName& name) { return "dataset = \"" + std::string(name.name) + "\"\n"; }

inline Experiment spec_with(const std::string& claim) { return parse_spec_text(kRuns + claim, "claims_test.toml"); }

// ---- records ------------------------------------------------------------------------------------

// The record of the k-th unit of `run`: its group (what evaluate_claims matches) and the
// attributes every record has (unit, run, kind).
inline RunRecord unit_record(const Experiment& ex, const std::string& run, size_t k = 0) {
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

inline Dataset numbers(const DatasetName& name, std::vector<double> values, std::vector<std::int64_t> shape = {}) {
  Dataset d;
  d.name = name.name;
  d.unit = name.unit;
  d.shape = shape.empty() ? std::vector<std::int64_t>{static_cast<std::int64_t>(values.size())} : shape;
  d.numbers = std::move(values);
  d.kind = DatasetKind::numbers;
  return d;
}

inline Dataset integers(const DatasetName& name, std::vector<std::int64_t> values) {
  Dataset d;
  d.name = name.name;
  d.unit = name.unit;
  d.shape = {static_cast<std::int64_t>(values.size())};
  d.integers = std::move(values);
  d.kind = DatasetKind::integers;
  return d;
}

// The one claim of `ex` evaluated on `records`.
inline ClaimResult evaluate_one(const Experiment& ex, const std::vector<RunRecord>& records) {
  const std::vector<ClaimResult> results = evaluate_claims(ex, records);
  if (results.size() != 1) throw std::logic_error("claims_test: expected one claim, got " + std::to_string(results.size()));
  return results.front();
}

// Passes when the verdict is `expected`; else says the case, expected, actual and what the rule
// computed.
inline ::testing::AssertionResult verdict_is(const std::string& case_name, const ClaimResult& r, const std::string& expected) {
  if (r.verdict == expected) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "case: " << case_name << "\n  expected verdict: " << expected
                                       << "\n  actual verdict:   " << r.verdict << "\n  computed: " << r.computed
                                       << "\n  monte carlo: " << r.monte_carlo;
}

inline ::testing::AssertionResult text_has(const std::string& case_name, const std::string& column, const std::string& text,
                                    const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "case: " << case_name << "\n  expected " << column << " to contain: " << part
                                       << "\n  actual " << column << ": " << text;
}

// ---- mc-preference records (monte-carlo-agrees, and assumption over it) ----------------------

inline constexpr double kZBound = 3.0;

// An mc-preference record whose z and verdict follow the kind's definitions (kinds/mc_preference.h):
// z = (mean - theory) / standard_error, verdict = 1 when |z| <= z_bound, else 0.
inline RunRecord mc_record(const Experiment& ex, const std::string& run, size_t k, const std::vector<double>& theory,
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
inline std::vector<double> shifted(const std::vector<double>& theory, const std::vector<double>& shift) {
  std::vector<double> mean;
  for (size_t j = 0; j < theory.size(); ++j) mean.push_back(theory[j] + shift[j] * 0.5);
  return mean;
}

}  // namespace hopelab::batch::claims_test
