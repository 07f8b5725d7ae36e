#pragma once
// kind "mc-preference": Monte Carlo of the semantic preference q R k* - q R k at each offset
// (sim/preference_estimator.h) beside the closed form, with a Sidak-corrected z verdict.

#include "kinds/kind.h"
#include "kinds/preference.h"
#include "params/method.h"
#include "params/offsets.h"
#include "params/sampling.h"

namespace hopelab::kinds {

struct McPreferenceSettings {
  params::MethodParams method;
  params::OffsetParams offsets;
  params::SamplingParams sampling;
  double family_level = 1e-3;
};

template <class V>
void visit_fields(McPreferenceSettings& s, V&& v) {
  visit_fields(s.method, v);
  visit_fields(s.offsets, v);
  visit_fields(s.sampling, v);
  v(Field{"family_level", "1", params::open(0, 1), "verdict: |z| <= Sidak z of this family level over the offsets"},
    s.family_level);
}

namespace mc_preference {
inline constexpr DatasetName kDistance = preference::kDistance;  // with preference::kOffsets, as it writes them
inline constexpr DatasetName kMean{"mean", "1", "Monte Carlo mean of q R k* - q R k"};
inline constexpr DatasetName kStandardError{"standard_error", "1", "its standard error s / sqrt(n)"};
inline constexpr DatasetName kN{"n", "1", "samples"};
inline constexpr DatasetName kTheory{"theory", "1", "closed-form expected preference"};
inline constexpr DatasetName kZ{"z", "1", "(mean - theory) / standard_error"};
inline constexpr DatasetName kVerdict{"verdict", "1",
                                      "1 when |z| <= z_bound (Sidak over the offsets at family_level), else 0"};
inline constexpr AttributeName kZBound{"z_bound", "1", "Sidak z of family_level over the offsets, which verdict uses"};
}  // namespace mc_preference

const Kind& mc_preference_kind();

}  // namespace hopelab::kinds
