#pragma once
// Monte Carlo win probability P[q^T R(Delta) k* > q^T R(Delta) k]: how often the similar key
// outscores the random one at offset Delta. Non-linear in the samples, so unlike the expected
// preference it is evaluated per sample and offset: the per-sample pair products x_s (2P) are
// drawn once (sim/sampling.h), then each offset counts the samples with x_s . w(Delta) > 0,
// O(N M d) multiply-adds. That count is a matrix product X W^T followed by a sign test, and is
// computed like one: samples and offsets in register tiles (kernels/score_tile.h), the tiles in
// cache-sized chunks of samples x panels of offsets. Samples are processed in blocks so memory
// stays bounded; counts are integers, so the result is identical for any thread count.
//
// Precision: fp64 draws, rotates and sums in double. fp32 computes the phases in float (as a
// float32 RoPE would), rounds x_s to float and sums the dot product in float: the arithmetic
// of a float32 attention score. Samples are always drawn in double.

#include <vector>

#include "sim/sampling.h"

namespace hopelab {

struct WinEstimate {
  double probability = 0.0;     // wins / n
  double standard_error = 0.0;  // sqrt(p (1 - p) / n)
  double n = 0.0;
};

// Where the time went, for benchmarks: drawing x_s, and counting (the tiled product).
struct WinTiming {
  double draw_seconds = 0.0;
  double count_seconds = 0.0;
};

// offsets: (M); returns (M). Throws InputError for bad sampling (validate_sampling).
std::vector<WinEstimate> estimate_win_probability(const Method& method, const PreferenceSampling& sampling,
                                                  const std::vector<Offset3>& offsets,
                                                  PhasePrecision precision = PhasePrecision::fp64,
                                                  WinTiming* timing = nullptr);

}  // namespace hopelab
