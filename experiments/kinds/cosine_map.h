#pragma once
// kind "cosine-map": cos(phi_i) of each pair reading one axis over axis offsets (HoPE Figure 2),
// phi_i = Delta theta_i, or 0 for a zero-frequency pair.

#include "kinds/kind.h"
#include "params/distances.h"
#include "params/method.h"

namespace hopelab::kinds {

struct CosineMapSettings {
  params::MethodParams method;
  std::string axis = "t";
  std::string distances = "0:4096:16";
  std::string spacing = "linear";
};

template <class V>
void visit_fields(CosineMapSettings& s, V&& v) {
  using params::words;
  visit_fields(s.method, v);
  v(Field{"axis", "", words("t, h, w"), "the axis whose pairs are mapped"}, s.axis);
  v(Field{"distances", "position", words("\"a:b:s\" (linear) or \"a:b:n\" (log)"), "axis offsets"}, s.distances);
  v(Field{"spacing", "", words("linear, log, log-integer"), params::kSpacingDescription}, s.spacing);
}

namespace cosine_map {
inline constexpr DatasetName kDistance{"distance", "position", "axis offset Delta of each column"};
inline constexpr DatasetName kPair{"pair", "1", "pairs reading the axis, ascending (rows)"};
inline constexpr DatasetName kTheta{"theta", "rad/position", "their frequencies theta_i (before zeroing)"};
inline constexpr DatasetName kZeroFrequency{"zero_frequency", "1", "1 where the pair's frequency is forced to zero"};
inline constexpr DatasetName kCosine{"cosine", "1", "cos(phi_i), phi_i = Delta theta_i (0 for a zero pair), (K, M)"};
}  // namespace cosine_map

const Kind& cosine_map_kind();

}  // namespace hopelab::kinds
