#include "kinds/cosine_map.h"

#include <cmath>

#include "kinds/kind_support.h"
#include "params/distances.h"
#include "theory/preference.h"
#include "theory/spectrum.h"

namespace hopelab::kinds {

namespace {

void check(const CosineMapSettings& s, std::uint64_t) {
  params::build_method(s.method);
  params::parse_axis(s.axis, "axis");
  params::spaced_distances(s.distances, s.spacing);
}

// Rows are the axis's pairs in ascending order, columns the distances.
void compute(const CosineMapSettings& s, std::uint64_t, results::RunRecord& r) {
  using namespace cosine_map;
  const Method m = params::build_method(s.method);
  const Axis axis = params::parse_axis(s.axis, "axis");
  const std::vector<double> distance = params::spaced_distances(s.distances, s.spacing);
  const std::vector<double> theta = rope_frequencies(m.spectrum);
  std::vector<std::int64_t> pairs, zero;
  std::vector<double> thetas, cosine;  // cosine: (K, M)
  for (int i : m.allocation.pairs_on(axis)) {
    const auto p = static_cast<size_t>(i);
    pairs.push_back(i);
    thetas.push_back(theta[p]);
    zero.push_back(m.allocation.zero[p] ? 1 : 0);
    for (double delta : distance) cosine.push_back(std::cos(pair_angle(delta, theta[p], m.allocation.zero[p] != 0)));
  }
  r.datasets.push_back(numbers(kDistance, distance));
  r.datasets.push_back(integers(kPair, pairs));
  r.datasets.push_back(numbers(kTheta, thetas));
  r.datasets.push_back(integers(kZeroFrequency, zero));
  r.datasets.push_back(numbers(kCosine, cosine,
                               {static_cast<std::int64_t>(pairs.size()), static_cast<std::int64_t>(distance.size())}));
}

}  // namespace

const Kind& cosine_map_kind() {
  using namespace cosine_map;
  static const KindOf<CosineMapSettings> kind(
      "cosine-map", "cos(phi_i) of one axis's pairs over distances (HoPE Figure 2)", {"method"},
      {kDistance, kPair, kTheta, kZeroFrequency, kCosine}, check, compute);
  return kind;
}

}  // namespace hopelab::kinds
