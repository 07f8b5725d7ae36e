#pragma once
// kind "decay-indicator": the position-only decay indicator of arXiv 2510.23095 App. D.2,
// mean_j |S_j(Delta)| with S_j = sum_{k<j} e^{i Delta theta_k} over each axis's pairs
// (theory/decay_indicator.h), per axis over distances, and how far apart the three axes are.

#include "kinds/kind.h"
#include "params/distances.h"
#include "params/method.h"

namespace hopelab::kinds {

struct DecayIndicatorSettings {
  params::MethodParams method;
  std::string distances = "1:100000:200";
  std::string spacing = "log";
};

template <class V>
void visit_fields(DecayIndicatorSettings& s, V&& v) {
  using params::words;
  visit_fields(s.method, v);
  v(Field{"distances", "position", words("\"a:b:s\" (linear) or \"a:b:n\" (log)"), "axis distances Delta"}, s.distances);
  v(Field{"spacing", "", words("linear, log, log-integer"), params::kSpacingDescription}, s.spacing);
}

namespace decay_indicator {
inline constexpr DatasetName kDistance{"distance", "position", "distance Delta along the axis"};
inline constexpr DatasetName kPairs{"pairs", "pair", "pairs per axis (t, h, w)"};
inline constexpr DatasetName kIndicator{"indicator", "1", "mean_j |S_j(Delta)| per distance and axis (t, h, w): (n, 3)"};
inline constexpr DatasetName kNormalized{"normalized", "1",
                                         "indicator / its value at Delta = 0, (n_axis + 1) / 2: (n, 3), 0 for an axis without pairs"};
inline constexpr DatasetName kAxisGap{"axis_gap", "1",
                                      "per distance, max - min of the normalized indicator over the axes with pairs"};
inline constexpr DatasetName kMaxAxisGap = scalar_dataset(
    {"max_axis_gap", "1", "the largest axis_gap over the distances"});
}  // namespace decay_indicator

const Kind& decay_indicator_kind();

}  // namespace hopelab::kinds
