#include "kinds/decay_indicator.h"

#include <algorithm>
#include <cmath>

#include "kinds/kind_support.h"
#include "theory/decay_indicator.h"

namespace hopelab::kinds {

namespace {

void check(const DecayIndicatorSettings& s, std::uint64_t) {
  params::build_method(s.method);
  params::spaced_distances(s.distances, s.spacing);
}

void compute(const DecayIndicatorSettings& s, std::uint64_t, results::RunRecord& r) {
  using namespace decay_indicator;
  const Method m = params::build_method(s.method);
  const std::vector<double> distance = params::spaced_distances(s.distances, s.spacing);
  std::vector<std::vector<double>> theta;
  std::vector<std::int64_t> pairs;
  for (Axis a : {Axis::t, Axis::h, Axis::w}) {
    theta.push_back(axis_frequencies(m, a));
    pairs.push_back(static_cast<std::int64_t>(theta.back().size()));
  }
  std::vector<double> indicator, normalized, gap;
  double max_gap = 0.0;
  for (double delta : distance) {
    double lo = INFINITY, hi = 0.0;
    for (size_t a = 0; a < 3; ++a) {
      const double value = hopelab::decay_indicator(theta[a], delta);
      const double scaled = theta[a].empty() ? 0.0 : value / ((static_cast<double>(theta[a].size()) + 1.0) / 2.0);
      indicator.push_back(value);
      normalized.push_back(scaled);
      if (!theta[a].empty()) {
        lo = std::min(lo, scaled);
        hi = std::max(hi, scaled);
      }
    }
    gap.push_back(hi - lo);
    max_gap = std::max(max_gap, hi - lo);
  }
  const auto n = static_cast<std::int64_t>(distance.size());
  r.datasets.push_back(numbers(kDistance, distance));
  r.datasets.push_back(integers(kPairs, pairs));
  r.datasets.push_back(numbers(kIndicator, indicator, {n, 3}));
  r.datasets.push_back(numbers(kNormalized, normalized, {n, 3}));
  r.datasets.push_back(numbers(kAxisGap, gap));
  r.datasets.push_back(scalar_number(kMaxAxisGap, max_gap));
}

double work(const DecayIndicatorSettings& s) {
  return static_cast<double>(params::spaced_distances(s.distances, s.spacing).size()) *
         static_cast<double>(s.method.head_dim / 2);
}

}  // namespace

const Kind& decay_indicator_kind() {
  using namespace decay_indicator;
  static const KindOf<DecayIndicatorSettings> kind(
      "decay-indicator", "mean |S_j| of each axis's pairs over distances (2510.23095 App. D.2)", {"method"},
      {kDistance, kPairs, kIndicator, kNormalized, kAxisGap, kMaxAxisGap}, check, compute, nullptr, work);
  return kind;
}

}  // namespace hopelab::kinds
