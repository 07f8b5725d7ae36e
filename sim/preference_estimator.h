#pragma once
// Monte Carlo estimate of the expected preference D(Delta) = E[q^T R k*] - E[q^T R k]
// (theory/preference.h gives its closed form). Each sample draws q, k with independent
// components mu + s_j Z and k*_j = q_j + eps s_j Z' (relative noise), where Z, Z' are N(0, 1) or
// Student-t scaled to unit variance, s_j = sigma or a per-dimension scale; the per-sample
// statistic is the score of v = k* - k. That score is linear in the pair products x = (C, S) of (q, v)
// (kernels/pair_statistics.h), so instead of looping samples x offsets x d:
//   1. accumulate the mean and co-moment matrix of x over N samples      O(N d^2)
//   2. mean(Delta) = xbar . w(Delta), SE(Delta) = sqrt(w^T Cov w / N),
//      w = (cos phi_i, sin phi_i)                                          O(M d^2)
// Samples are split into fixed chunks (by sample index, not by thread) whose accumulators
// merge in order (Chan), so results are identical for any thread count and backend.

#include <cstdint>
#include <vector>

#include "sim/sampling.h"
#include "theory/method.h"
#include "theory/preference.h"

namespace hopelab {

// Mergeable raw accumulators of x = (C_0..C_{P-1}, S_0..S_{P-1}) over samples.
struct PairProductMoments {
  int pairs = 0;                 // P
  double n = 0.0;                // samples
  std::vector<double> mean;      // (2P)
  std::vector<double> comoment;  // (2P, 2P) row-major, sum of (x - mean)(x - mean)^T
};

// Step 1. Throws InputError for bad sampling (validate_sampling).
PairProductMoments accumulate_pair_products(const Method& method, const PreferenceSampling& sampling);

// Chan's merge of two accumulators of the same P (for shards and chunks).
PairProductMoments merge(const PairProductMoments& a, const PairProductMoments& b);

struct PreferenceEstimate {
  double mean = 0.0;
  double standard_error = 0.0;
  double n = 0.0;
};

// Step 2, at every offset. offsets: (M); returns (M).
std::vector<PreferenceEstimate> estimate_preference(const Method& method, const PairProductMoments& moments,
                                                    const std::vector<Offset3>& offsets,
                                                    PhasePrecision precision = PhasePrecision::fp64);

}  // namespace hopelab
