#pragma once
// How Monte Carlo engines draw a sample: q and k with independent components mu + s_j Z and
// k*_j = q_j + eps s_j Z' (relative noise), Z, Z' N(0, 1) or unit-variance Student-t, from
// counter-based Philox streams (kernels/philox.h), and the pair products x = (C, S) of
// (q, v = k* - k) whose score against rotation weights w(Delta) = (cos phi, sin phi) is the
// per-sample statistic q^T R k* - q^T R k (kernels/pair_statistics.h).

#include <cstdint>
#include <vector>

#include "kernels/normal.h"
#include "kernels/pair_statistics.h"
#include "theory/host_device.h"
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

// Random streams of a sample: one each for q, k and xi.
enum SamplingStream : std::uint32_t { kStreamQuery = 0, kStreamKey = 1, kStreamNoise = 2 };

// Largest head dim the per-sample kernels hold in registers/local memory.
constexpr int kMaxEstimatorHeadDim = 512;

// Precision of the rotation phases phi_i = Delta theta_i when evaluating offsets: fp32 rounds
// Delta and theta to float and multiplies in float (cosf / sinf), as a float32 RoPE would.
enum class PhasePrecision : std::uint8_t { fp64, fp32 };

// Largest |offset| a float represents exactly (2^24): beyond it fp32 phases are off by whole
// fractions of a radian at high frequencies.
constexpr double kFloatExactOffset = 16777216.0;

// Throws InputError for N < 2, d > kMaxEstimatorHeadDim, sigma <= 0, a scale < 0 or a scale
// count != d, eps < 0, or a Student-t with nu <= 2.
void validate_sampling(const Method& method, const PreferenceSampling& sampling);

// w(Delta) = (cos phi_0..cos phi_{P-1}, sin phi_0..sin phi_{P-1}) at one offset, the phases
// computed in the chosen precision. theta: (P); w: (2P).
void rotation_weights(const Method& method, const std::vector<double>& theta, const Offset3& offset,
                      PhasePrecision precision, double* w);

// What a device thread needs of PreferenceSampling: plain values and a pointer to the scales.
// Build with sampling_params() from a PreferenceSampling and the scales already on the device.
struct SamplingParams {
  std::uint64_t seed;
  std::int64_t samples;
  double mu, eps;
  ComponentLaw law;
  double t_scale;        // sqrt((nu - 2) / nu): unit-variance Student-t
  double nu;
  const double* scales;  // (d) standard deviations
};

// Component j of one stream, standardised (mean 0, variance 1). Gaussian components come in
// pairs from one Philox block (draw j / 2); Student-t components own draws j * 64 .. j * 64 + 63.
HOPELAB_HD inline void standard_components(const SamplingParams& p, std::uint32_t stream, std::uint64_t sample,
                                           int head_dim, double* z) {
  if (p.law == ComponentLaw::gaussian) {
    for (int j = 0; j < head_dim; j += 2) {
      const VariatePair<double> pair = normal_pair(p.seed, stream, sample, static_cast<std::uint32_t>(j / 2));
      z[j] = pair.first;
      z[j + 1] = pair.second;
    }
  } else {
    for (int j = 0; j < head_dim; ++j) {
      z[j] = p.t_scale * student_t(p.nu, p.seed, stream, sample, static_cast<std::uint32_t>(j));
    }
  }
}

// Draws sample s's q, k and xi and returns the pair products x of (q, v = q + eps xi - k).
// q, v, z: (d) scratch; x: (2P).
HOPELAB_HD inline void sample_pair_products(const SamplingParams& p, int head_dim, PairLayout layout,
                                            std::int64_t s, double* q, double* v, double* z, double* x) {
  const auto sample = static_cast<std::uint64_t>(s);
  standard_components(p, kStreamQuery, sample, head_dim, z);
  for (int j = 0; j < head_dim; ++j) q[j] = p.mu + p.scales[j] * z[j];
  standard_components(p, kStreamNoise, sample, head_dim, z);
  for (int j = 0; j < head_dim; ++j) v[j] = q[j] + p.eps * p.scales[j] * z[j];
  standard_components(p, kStreamKey, sample, head_dim, z);
  for (int j = 0; j < head_dim; ++j) v[j] -= p.mu + p.scales[j] * z[j];
  pair_products(q, v, head_dim, layout, x);
}

// scales: the per-dimension standard deviations, (d), in the backend's memory.
SamplingParams sampling_params(const PreferenceSampling& cfg, const double* scales);
// (d) standard deviations: cfg.scales, or sigma everywhere.
std::vector<double> component_scales(const PreferenceSampling& cfg, int head_dim);

}  // namespace hopelab
