#pragma once
// kind "mc-win-prob": Monte Carlo of P[q R k* > q R k] at each offset (sim/win_probability.h),
// with the closed-form expected preference beside it.

#include "kinds/kind.h"
#include "kinds/preference.h"
#include "params/method.h"
#include "params/offsets.h"
#include "params/sampling.h"

namespace hopelab::kinds {

struct McWinProbSettings {
  params::MethodParams method;
  params::OffsetParams offsets;
  params::SamplingParams sampling = params::sampling_with(20000);
};

template <class V>
void visit_fields(McWinProbSettings& s, V&& v) {
  visit_fields(s.method, v);
  visit_fields(s.offsets, v);
  visit_fields(s.sampling, v);
}

namespace mc_win_prob {
inline constexpr DatasetName kDistance = preference::kDistance;  // with preference::kOffsets, as it writes them
inline constexpr DatasetName kProbability{"probability", "1", "P[q R k* > q R k], Monte Carlo"};
inline constexpr DatasetName kStandardError{"standard_error", "1", "sqrt(p (1 - p) / n)"};
inline constexpr DatasetName kN{"n", "1", "samples"};
inline constexpr DatasetName kExpectedPreference{"expected_preference", "1", "closed-form expected preference beside it"};
}  // namespace mc_win_prob

const Kind& mc_win_prob_kind();

}  // namespace hopelab::kinds
