#pragma once
// kind "allocation": which axis (t, h, w) each rotary pair of a method reads, which pairs have
// their frequency forced to zero, and every pair's theta_i (theory/allocation.h, docs/references.md).

#include "kinds/kind.h"
#include "kinds/positions.h"
#include "params/method.h"

namespace hopelab::kinds {

struct AllocationSettings {
  params::MethodParams method;
};

template <class V>
void visit_fields(AllocationSettings& s, V&& v) {
  visit_fields(s.method, v);
}

namespace allocation {
inline constexpr DatasetName kAxis{"axis", "1", "axis read by each pair: 0 = t, 1 = h, 2 = w (P)"};
inline constexpr DatasetName kZeroFrequency{"zero_frequency", "1", "1 where the pair's frequency is forced to zero (P)"};
inline constexpr DatasetName kTheta{"theta", "rad/position", "frequency theta_i = b^(-2i/d) of each pair, before zeroing (P)"};
inline constexpr AttributeName kPositionDesign = positions::kPositionDesign;
}  // namespace allocation

const Kind& allocation_kind();

}  // namespace hopelab::kinds
