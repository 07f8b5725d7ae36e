#pragma once
// kind "preference": the closed-form expected semantic preference D(offset) = 2 sigma^2 sum_i
// rho_i cos(phi_i) (HoPE eq. 3, docs/theory.md) of a method at each offset.

#include "kinds/kind.h"
#include "params/method.h"
#include "params/offsets.h"
#include "params/sampling.h"

namespace hopelab::kinds {

struct PreferenceSettings {
  params::MethodParams method;
  params::OffsetParams offsets;
  params::ScaleParams scale;
};

template <class V>
void visit_fields(PreferenceSettings& s, V&& v) {
  visit_fields(s.method, v);
  visit_fields(s.offsets, v);
  visit_fields(s.scale, v);
}

namespace preference {
inline constexpr DatasetName kOffsets{"offsets", "position", "position offsets (t, h, w), (M, 3)"};
inline constexpr DatasetName kDistance{"distance", "token|frame", "distance m of each offset"};
inline constexpr DatasetName kValue{"value", "1", "closed-form expected preference D (units of sigma^2 = 1)"};
inline constexpr DatasetName kByAxis{"by_axis", "1", "contributions of the pairs of axes t, h, w, (M, 3)"};
}  // namespace preference

const Kind& preference_kind();

// The offsets (M, 3) and distance (M) datasets of every kind that evaluates an offset grid
// (preference, mc-preference, mc-win-prob), in that order.
void append_offset_datasets(const params::OffsetGrid& grid, results::RunRecord& r);

}  // namespace hopelab::kinds
