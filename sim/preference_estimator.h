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
// merge in order (Chan), so results are identical for any thread count and backend; a range of
// chunks can be accumulated apart (another process) and merged later, with the same result.

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

// Step 1 by chunks. The chunks N samples are cut into (min(256, N), by sample index); each
// chunk's accumulator as [n, mean (2P), comoment (2P x 2P)], chunk_floats(P) numbers.
std::int64_t pair_product_chunks(std::int64_t samples);
std::int64_t chunk_floats(int pairs);
// The accumulators of chunks [first, last), in chunk order: (last - first, chunk_floats(P)).
// Throws InputError for bad sampling or a range outside 0..pair_product_chunks(N).
std::vector<double> accumulate_pair_product_chunks(const Method& method, const PreferenceSampling& sampling,
                                                   std::int64_t first, std::int64_t last);
// Chan's merge of chunk accumulators in their order (chunks: (count, chunk_floats(P))):
// accumulate_pair_products is merge_chunks(P, accumulate_pair_product_chunks(all chunks)).
PairProductMoments merge_chunks(int pairs, const std::vector<double>& chunks);

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
