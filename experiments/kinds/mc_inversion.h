#pragma once
// kind "mc-inversion": the inversion probability of arXiv 2605.15514, P[q^T R_m k* < q^T R_m k]
// with k* = q + eps and k independent, by Monte Carlo (1 - the win probability of
// sim/win_probability.h), beside the closed-form preference D(m) = 2 sigma^2 B(m) and the first
// distance where B turns negative (theory/first_violation.h): where the inversion probability
// crosses 1/2, how close it stays to 1/2 far out, and how much D falls from near to far.

#include "kinds/kind.h"
#include "kinds/preference.h"
#include "params/method.h"
#include "params/offsets.h"
#include "params/sampling.h"

namespace hopelab::kinds {

struct McInversionSettings {
  params::MethodParams method;
  params::OffsetParams offsets;
  params::SamplingParams sampling = params::sampling_with(20000);
  double far_from = 100000;
  double family_level = 0.05;
};

template <class V>
void visit_fields(McInversionSettings& s, V&& v) {
  visit_fields(s.method, v);
  visit_fields(s.offsets, v);
  visit_fields(s.sampling, v);
  v(Field{"far_from", "token|frame", params::at_least(1), "distances >= far_from make the far statistics"}, s.far_from);
  v(Field{"family_level", "1", params::open(0, 1),
          "Sidak family level: an offset's inversion differs from 1/2 when |P - 1/2| > z SE"},
    s.family_level);
}

namespace mc_inversion {
inline constexpr DatasetName kDistance = preference::kDistance;
inline constexpr DatasetName kInversion{"inversion", "1", "P[q R k* < q R k], Monte Carlo (1 - win probability)"};
inline constexpr DatasetName kStandardError{"standard_error", "1", "sqrt(p (1 - p) / n)"};
inline constexpr DatasetName kExpectedPreference{"expected_preference", "1", "closed-form D = 2 sigma^2 B at each offset"};
inline constexpr DatasetName kZ = scalar_dataset(
    {"z", "1", "the Sidak critical value over the offsets at family_level"});
inline constexpr DatasetName kFirstNegativeB = scalar_dataset(
    {"first_negative_b", "token|frame", "smallest m >= 1 with B(m) < 0 up to the largest distance; -1 when none"});
inline constexpr DatasetName kFirstCrossing = scalar_dataset(
    {"first_crossing", "token|frame", "smallest distance with inversion > 1/2 + z SE; -1 when none"});
inline constexpr DatasetName kCrossingRatio = scalar_dataset(
    {"crossing_ratio", "1", "first_crossing / first_negative_b; -1 when either is -1"});
inline constexpr DatasetName kSignMismatches = scalar_dataset(
    {"sign_mismatches", "1", "offsets where the inversion differs from 1/2 (z SE) on the side B does not predict"});
inline constexpr DatasetName kSignificantOffsets = scalar_dataset(
    {"significant_offsets", "1", "offsets where it differs from 1/2"});
inline constexpr DatasetName kFarGap = scalar_dataset(
    {"far_gap", "1", "max |inversion - 1/2| over distances >= far_from; -1 when none"});
inline constexpr DatasetName kFarMean = scalar_dataset(
    {"far_mean", "1", "mean inversion over distances >= far_from; -1 when none"});
inline constexpr DatasetName kLocalityContrast = scalar_dataset(
    {"locality_contrast", "1", "(D at the smallest non-zero distance - mean D over distances >= far_from) / D(0)"});
}  // namespace mc_inversion

const Kind& mc_inversion_kind();

}  // namespace hopelab::kinds
