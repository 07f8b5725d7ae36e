#pragma once
// kind "phase-resolution": the precision bound on the RoPE base of arXiv 2602.10959 (base <
// 1/eps of the working precision, 2^23 ~ 8.4e6 in float32) checked on float32 rotations. For each
// base of a log grid, the slowest pair's rotation (cos, sin) of adjacent positions m and m + 1,
// each phase rounded once to float (fl32(m theta), the best a float32 RoPE can hold) and cosf /
// sinf taken in float, at `points` positions spread over one period 2 pi / theta; a position is
// erased when both entries round to the same floats as its neighbour's. The onset is the first
// base of the grid with an erased position.

#include "kinds/kind.h"

namespace hopelab::kinds {

struct PhaseResolutionSettings {
  std::int64_t head_dim = 128;
  std::string bases = "1e5:1e9:81";
  std::int64_t points = 65536;
};

template <class V>
void visit_fields(PhaseResolutionSettings& s, V&& v) {
  using params::words;
  v(Field{"head_dim", "1", params::closed(2, 1 << 20), "head dimension d (even); the slowest pair is theta_{d/2-1}"},
    s.head_dim);
  v(Field{"bases", "1", words("\"a:b:n\""), "n log-spaced bases from a to b (a > 1)"}, s.bases);
  v(Field{"points", "1", params::closed(1, 10'000'000), "positions per base, spread over one period"}, s.points);
}

namespace phase_resolution {
inline constexpr DatasetName kBase{"base", "1", "the bases scanned"};
inline constexpr DatasetName kErasedFraction{"erased_fraction", "1",
                                             "fraction of the positions whose float32 rotation equals the next one's"};
inline constexpr DatasetName kSlowestTheta{"slowest_theta", "rad/position", "theta of the slowest pair at each base"};
inline constexpr DatasetName kOnsetBase = scalar_dataset(
    {"onset_base", "1", "first base of the grid with an erased position; -1 when none"});
inline constexpr DatasetName kPrecisionBound = scalar_dataset(
    {"precision_bound", "1", "the stated bound 1/eps, eps = 2^-23 (float32)"});
inline constexpr DatasetName kOnsetRatio = scalar_dataset(
    {"onset_ratio", "1", "onset_base / precision_bound; -1 when no onset"});
}  // namespace phase_resolution

const Kind& phase_resolution_kind();

}  // namespace hopelab::kinds
