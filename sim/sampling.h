#pragma once
// How Monte Carlo engines draw a sample: q and k with independent components mu + s_j Z and
// k*_j = q_j + eps s_j Z' (relative noise), Z, Z' N(0, 1) or unit-variance Student-t, or (the
// empirical law) q and k uniform rows of pools dumped from a model with Z' N(0, 1) and s_j the
// query pool's column standard deviations; all from counter-based Philox streams
// (kernels/philox.h), and the pair products x = (C, S) of (q, v = k* - k) whose score against
// rotation weights w(Delta) = (cos phi, sin phi) is the per-sample statistic
// q^T R k* - q^T R k (kernels/pair_statistics.h).

#include <cstdint>
#include <vector>

#include "kernels/fast_normal.h"
#include "kernels/normal.h"
#include "kernels/pair_statistics.h"
#include "kernels/uniform_index.h"
#include "theory/host_device.h"
#include "theory/method.h"
#include "theory/preference.h"

namespace hopelab {

enum class ComponentLaw : std::uint8_t {
  gaussian,   // N(0, 1), Box-Muller
  student_t,  // t(nu) * sqrt((nu - 2) / nu): unit variance, needs nu > 2 (and nu > 4 for a finite
              // variance of the statistic, i.e. a meaningful standard error)
  empirical,  // q, k: independent uniform rows (with replacement) of the pools; the noise Z' of
              // k* = q + eps s_j Z' is N(0, 1), s_j the query pool's population std of column j
};

// How N(0, 1) components are drawn: Box-Muller in double from 53-bit uniforms (the oracle; two
// normals per Philox block), or in float, vectorised (kernels/fast_normal.h; four per block).
// The two are different functions of (seed, stream, sample, component): the same law, not the
// same numbers.
enum class NormalPrecision : std::uint8_t { fp64, fp32 };

struct PreferenceSampling {
  std::uint64_t seed = 0;
  std::int64_t samples = 100000;  // N
  double mu = 0.0;                // common mean of q and k components
  double sigma = 1.0;             // their standard deviation (when `scales` is empty)
  std::vector<double> scales;     // (d) per-dimension standard deviations, or empty
  double eps = 1.0;               // k* - q in units of each component's scale
  ComponentLaw law = ComponentLaw::gaussian;
  double nu = 0.0;                // student_t degrees of freedom
  NormalPrecision normals = NormalPrecision::fp64;  // gaussian components and the empirical noise
  std::vector<double> query_pool; // (n_q, d) row-major: the empirical law's rows of q (and of k
                                  // when key_pool is empty); mu, sigma and scales are unused
  std::vector<double> key_pool;   // (n_k, d) row-major rows of k, or empty
};

// Variances of q's components, (d): scales^2, or sigma^2 everywhere, or the query pool's
// population variances (empirical). Without a key pool the closed form for this sampling is
// expected_preference(method, offset, pair_weights(method, component_variances(...))).
std::vector<double> component_variances(const PreferenceSampling& sampling, int head_dim);

// E[x], the expected pair products of (q, v = k* - k), (2P): with m, m' the means of q and k,
// n = m - m' and s2 the variances of q, pair i on dimensions (a, b) has
//   E[C_i] = s2_a + s2_b + m_a n_a + m_b n_b,   E[S_i] = m_a n_b - m_b n_a,
// so the closed form at any offset is score_from_products(E[x], w(Delta)) (docs/theory.md,
// "Empirical vectors"). n = 0 unless the empirical law has a separate key pool.
std::vector<double> expected_pair_products(const Method& method, const PreferenceSampling& sampling);

// The closed form sum_i E[C_i] cos phi_i + E[S_i] sin phi_i at every offset, phases in fp64.
// expected: (2P) from expected_pair_products; offsets: (M); returns (M).
std::vector<double> preference_from_pair_products(const Method& method, const std::vector<double>& expected,
                                                  const std::vector<Offset3>& offsets);

// Random streams of a sample: one each for q, k and xi. The empirical law draws q's row from
// kStreamQuery and k's from kStreamKey, each reading draws 0 .. kUniformIndexBlocks - 1.
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
// count != d, eps < 0, a Student-t with nu <= 2, or an empirical law whose pools are missing,
// not whole rows of d, of fewer than 2 rows or not finite (or pools given to another law).
void validate_sampling(const Method& method, const PreferenceSampling& sampling);

// w(Delta) = (cos phi_0..cos phi_{P-1}, sin phi_0..sin phi_{P-1}) at one offset, the phases
// computed in the chosen precision. theta: (P); w: (2P).
void rotation_weights(const Method& method, const std::vector<double>& theta, const Offset3& offset,
                      PhasePrecision precision, double* w);

// Rows of an empirical pool in the backend's memory: rows (count, d) row-major.
struct PoolRows {
  const double* rows = nullptr;
  std::int64_t count = 0;
};

// What a device thread needs of PreferenceSampling: plain values and pointers to the scales and
// pools. Engines build it with DeviceSampling (sim/device_sampling.h), which copies them to the
// backend's memory.
struct SamplingParams {
  std::uint64_t seed;
  std::int64_t samples;
  double mu, eps;
  ComponentLaw law;
  double t_scale;        // sqrt((nu - 2) / nu): unit-variance Student-t
  double nu;
  NormalPrecision normals;
  const double* scales;  // (d) standard deviations
  PoolRows query_pool;   // empirical law: rows of q
  PoolRows key_pool;     // empirical law: rows of k (the query pool's when there is one pool)
};

// Component j of one stream, standardised (mean 0, variance 1). Student-t components own draws
// j * 64 .. j * 64 + 63; otherwise (gaussian, and the empirical law's noise) components come in
// pairs from one Philox block (draw j / 2), or in fours with fp32 normals (draw j / 4).
HOPELAB_HD inline void standard_components(const SamplingParams& p, std::uint32_t stream, std::uint64_t sample,
                                           int head_dim, double* z) {
  if (p.law == ComponentLaw::student_t) {
    for (int j = 0; j < head_dim; ++j) {
      z[j] = p.t_scale * student_t(p.nu, p.seed, stream, sample, static_cast<std::uint32_t>(j));
    }
  } else if (p.normals == NormalPrecision::fp32) {
    float f[kMaxEstimatorHeadDim + 3];  // fast_normals fills whole blocks of four
    fast_normals(p.seed, stream, sample, head_dim, f);
    for (int j = 0; j < head_dim; ++j) z[j] = f[j];
  } else {
    for (int j = 0; j < head_dim; j += 2) {
      const VariatePair<double> pair = normal_pair(p.seed, stream, sample, static_cast<std::uint32_t>(j / 2));
      z[j] = pair.first;
      z[j + 1] = pair.second;
    }
  }
}

// q or k of one sample into out (d): a uniform row of `pool` (empirical law, row drawn from
// `stream`), or mu + s_j Z_j.
HOPELAB_HD inline void draw_vector(const SamplingParams& p, const PoolRows& pool, std::uint32_t stream,
                                   std::uint64_t sample, int head_dim, double* out) {
  if (p.law == ComponentLaw::empirical) {
    const std::uint64_t row = uniform_index(static_cast<std::uint64_t>(pool.count), p.seed, stream, sample, 0);
    const double* values = pool.rows + row * static_cast<std::uint64_t>(head_dim);
    for (int j = 0; j < head_dim; ++j) out[j] = values[j];
    return;
  }
  standard_components(p, stream, sample, head_dim, out);
  for (int j = 0; j < head_dim; ++j) out[j] = p.mu + p.scales[j] * out[j];
}

// Draws sample s's q, k and xi and returns the pair products x of (q, v = q + eps xi - k).
// q, v, z: (d) scratch; x: (2P).
HOPELAB_HD inline void sample_pair_products(const SamplingParams& p, int head_dim, PairLayout layout,
                                            std::int64_t s, double* q, double* v, double* z, double* x) {
  const auto sample = static_cast<std::uint64_t>(s);
  draw_vector(p, p.query_pool, kStreamQuery, sample, head_dim, q);
  standard_components(p, kStreamNoise, sample, head_dim, z);
  for (int j = 0; j < head_dim; ++j) v[j] = q[j] + p.eps * p.scales[j] * z[j];
  draw_vector(p, p.key_pool, kStreamKey, sample, head_dim, z);
  for (int j = 0; j < head_dim; ++j) v[j] -= z[j];
  pair_products(q, v, head_dim, layout, x);
}

// scales: the per-dimension standard deviations, (d), and the pools (empirical law), in the
// backend's memory. A one-pool empirical law passes key_pool empty: k then uses query_pool.
SamplingParams sampling_params(const PreferenceSampling& cfg, const double* scales, PoolRows query_pool = {},
                               PoolRows key_pool = {});
// (d) standard deviations: cfg.scales, or sigma everywhere, or the query pool's population
// standard deviations (empirical).
std::vector<double> component_scales(const PreferenceSampling& cfg, int head_dim);

}  // namespace hopelab
