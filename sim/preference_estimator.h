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

#include "theory/method.h"
#include "theory/preference.h"

namespace hopelab {

enum class ComponentLaw : std::uint8_t {
  gaussian,   // N(0, 1), Box-Muller
  student_t,  // t(nu) * sqrt((nu - 2) / nu): unit variance, needs nu > 2 (and nu > 4 for a finite
              // variance of the statistic, i.e. a meaningful standard error)
};

struct PreferenceSampling {
  std::uint64_t seed = 0;
  std::int64_t samples = 100000;  // N
  double mu = 0.0;                // common mean of q and k components
  double sigma = 1.0;             // their standard deviation (when `scales` is empty)
  std::vector<double> scales;     // (d) per-dimension standard deviations, or empty
  double eps = 1.0;               // k* - q in units of each component's scale
  ComponentLaw law = ComponentLaw::gaussian;
  double nu = 0.0;                // student_t degrees of freedom
};

// Variances of q's components, (d): scales^2, or sigma^2 everywhere. The closed form for this
// sampling is expected_preference(method, offset, pair_weights(method, component_variances(...))).
std::vector<double> component_variances(const PreferenceSampling& sampling, int head_dim);

// Mergeable raw accumulators of x = (C_0..C_{P-1}, S_0..S_{P-1}) over samples.
struct PairProductMoments {
  int pairs = 0;                 // P
  double n = 0.0;                // samples
  std::vector<double> mean;      // (2P)
  std::vector<double> comoment;  // (2P, 2P) row-major, sum of (x - mean)(x - mean)^T
};

// Random streams of a sample: one each for q, k and xi.
enum SamplingStream : std::uint32_t { kStreamQuery = 0, kStreamKey = 1, kStreamNoise = 2 };

// Largest head dim the per-sample kernels hold in registers/local memory.
constexpr int kMaxEstimatorHeadDim = 512;

// Step 1. Throws InputError for N < 2, d > kMaxEstimatorHeadDim, sigma <= 0, a scale < 0 or a
// scale count != d, eps < 0, or a Student-t with nu <= 2.
PairProductMoments accumulate_pair_products(const Method& method, const PreferenceSampling& sampling);

// Chan's merge of two accumulators of the same P (for shards and chunks).
PairProductMoments merge(const PairProductMoments& a, const PairProductMoments& b);

struct PreferenceEstimate {
  double mean = 0.0;
  double standard_error = 0.0;
  double n = 0.0;
};

// Precision of the rotation phases phi_i = Delta theta_i when evaluating offsets: fp32 rounds
// Delta and theta to float and multiplies in float (cosf / sinf), as a float32 RoPE would.
enum class PhasePrecision : std::uint8_t { fp64, fp32 };

// Step 2, at every offset. offsets: (M); returns (M).
std::vector<PreferenceEstimate> estimate_preference(const Method& method, const PairProductMoments& moments,
                                                    const std::vector<Offset3>& offsets,
                                                    PhasePrecision precision = PhasePrecision::fp64);

// Largest |offset| a float represents exactly (2^24): beyond it fp32 phases are off by whole
// fractions of a radian at high frequencies.
constexpr double kFloatExactOffset = 16777216.0;

}  // namespace hopelab
