#include "sim/preference_estimator.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <thrust/device_vector.h>
#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>

#include "kernels/moments.h"
#include "kernels/normal.h"
#include "kernels/pair_statistics.h"
#include "theory/host_device.h"
#include "theory/input_error.h"
#include "theory/text_format.h"

namespace hopelab {

namespace {

// Samples are cut into at most this many chunks, by sample index.
constexpr std::int64_t kMaxChunks = 256;

// Per-chunk accumulator layout in one flat array: [n, mean (2P), comoment (2P x 2P)].
HOPELAB_HD inline std::int64_t chunk_stride(int pairs) {
  const std::int64_t m = 2 * pairs;
  return 1 + m + m * m;
}

// What a device thread needs of PreferenceSampling: plain values and a pointer to the scales.
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

// Welford accumulation of one chunk of samples into its slot of `out`.
struct AccumulateChunk {
  SamplingParams params;
  int head_dim;
  PairLayout layout;
  std::int64_t chunk_size;
  double* out;

  HOPELAB_HD void operator()(std::int64_t chunk) const {
    const int pairs = head_dim / 2;
    const int m = 2 * pairs;
    double* n = out + chunk * chunk_stride(pairs);
    double* mean = n + 1;
    double* comoment = mean + m;
    double q[kMaxEstimatorHeadDim], v[kMaxEstimatorHeadDim], z[kMaxEstimatorHeadDim], x[kMaxEstimatorHeadDim];
    double delta[kMaxEstimatorHeadDim];
    const std::int64_t first = chunk * chunk_size;
    const std::int64_t last = first + chunk_size < params.samples ? first + chunk_size : params.samples;
    for (std::int64_t s = first; s < last; ++s) {
      sample_pair_products(params, head_dim, layout, s, q, v, z, x);
      welford_add(*n, mean, comoment, x, delta, m);
    }
  }
};

void validate(const Method& method, const PreferenceSampling& cfg) {
  if (cfg.samples < 2) throw InputError("samples must be >= 2, got " + std::to_string(cfg.samples));
  if (method.spectrum.head_dim > kMaxEstimatorHeadDim) {
    throw InputError("Monte Carlo head dim must be <= " + std::to_string(kMaxEstimatorHeadDim) + ", got " +
                     std::to_string(method.spectrum.head_dim));
  }
  if (!(cfg.sigma > 0.0) || !std::isfinite(cfg.sigma)) {
    throw InputError("sigma must be a finite number > 0, got " + format_number(cfg.sigma));
  }
  if (!(cfg.eps >= 0.0) || !std::isfinite(cfg.eps)) {
    throw InputError("eps must be a finite number >= 0, got " + format_number(cfg.eps));
  }
  if (!std::isfinite(cfg.mu)) throw InputError("mu must be finite, got " + format_number(cfg.mu));
  if (!cfg.scales.empty() && static_cast<int>(cfg.scales.size()) != method.spectrum.head_dim) {
    throw InputError("per-dimension scales need d = " + std::to_string(method.spectrum.head_dim) + " values, got " +
                     std::to_string(cfg.scales.size()));
  }
  for (double scale : cfg.scales) {
    if (!(scale >= 0.0) || !std::isfinite(scale)) {
      throw InputError("scales must be finite and >= 0, got " + format_number(scale));
    }
  }
  if (cfg.law == ComponentLaw::student_t && !(cfg.nu > 2.0 && std::isfinite(cfg.nu))) {
    throw InputError("Student-t components need finite nu > 2 (unit variance), got " + format_number(cfg.nu));
  }
}

}  // namespace

std::vector<double> component_variances(const PreferenceSampling& sampling, int head_dim) {
  if (sampling.scales.empty()) return std::vector<double>(static_cast<size_t>(head_dim), sampling.sigma * sampling.sigma);
  std::vector<double> variances;
  for (double scale : sampling.scales) variances.push_back(scale * scale);
  return variances;
}

PairProductMoments merge(const PairProductMoments& a, const PairProductMoments& b) {
  if (a.n == 0.0) return b;
  if (b.n == 0.0) return a;
  if (a.pairs != b.pairs) {
    throw InputError("cannot merge moments of " + std::to_string(a.pairs) + " and " + std::to_string(b.pairs) +
                     " pairs");
  }
  PairProductMoments out = a;
  std::vector<double> delta(a.mean.size());
  chan_merge(out.n, out.mean.data(), out.comoment.data(), b.n, b.mean.data(), b.comoment.data(), delta.data(),
             static_cast<int>(a.mean.size()));
  return out;
}

PairProductMoments accumulate_pair_products(const Method& method, const PreferenceSampling& cfg) {
  validate(method, cfg);
  const int pairs = method.spectrum.pairs();
  const std::int64_t chunks = std::min(kMaxChunks, cfg.samples);
  const std::int64_t chunk_size = (cfg.samples + chunks - 1) / chunks;
  const std::int64_t stride = chunk_stride(pairs);

  std::vector<double> scales = cfg.scales;
  if (scales.empty()) scales.assign(static_cast<size_t>(method.spectrum.head_dim), cfg.sigma);
  const thrust::device_vector<double> scales_d(scales.begin(), scales.end());
  const SamplingParams params{cfg.seed, cfg.samples, cfg.mu, cfg.eps, cfg.law,
                              cfg.law == ComponentLaw::student_t ? std::sqrt((cfg.nu - 2.0) / cfg.nu) : 1.0, cfg.nu,
                              thrust::raw_pointer_cast(scales_d.data())};

  thrust::device_vector<double> slots(static_cast<size_t>(chunks * stride), 0.0);
  const AccumulateChunk accumulate{params, method.spectrum.head_dim, method.allocation.layout, chunk_size,
                                   thrust::raw_pointer_cast(slots.data())};
  thrust::for_each(thrust::counting_iterator<std::int64_t>(0), thrust::counting_iterator<std::int64_t>(chunks),
                   accumulate);
  const std::vector<double> host(slots.begin(), slots.end());

  // Merge the chunks in index order: the same sum for any thread count or backend.
  PairProductMoments total;
  total.pairs = pairs;
  for (std::int64_t c = 0; c < chunks; ++c) {
    const double* slot = host.data() + c * stride;
    PairProductMoments part;
    part.pairs = pairs;
    part.n = slot[0];
    part.mean.assign(slot + 1, slot + 1 + 2 * pairs);
    part.comoment.assign(slot + 1 + 2 * pairs, slot + stride);
    total = merge(total, part);
  }
  return total;
}

std::vector<PreferenceEstimate> estimate_preference(const Method& method, const PairProductMoments& moments,
                                                    const std::vector<Offset3>& offsets, PhasePrecision precision) {
  const int pairs = moments.pairs;
  if (pairs != method.spectrum.pairs() || moments.n < 2.0) {
    throw InputError("moments do not belong to method '" + method.name + "' or hold fewer than 2 samples");
  }
  const int m = 2 * pairs;
  const std::vector<double> theta = rope_frequencies(method.spectrum);
  std::vector<PreferenceEstimate> out;
  out.reserve(offsets.size());
  std::vector<double> w(static_cast<size_t>(m));  // (cos phi_0..cos phi_{P-1}, sin phi_0..sin phi_{P-1})
  for (const Offset3& offset : offsets) {
    for (int i = 0; i < pairs; ++i) {
      const auto k = static_cast<size_t>(i);
      const double delta = axis_component(offset, method.allocation.axis[k]);
      const bool zero = method.allocation.zero[k] != 0;
      if (precision == PhasePrecision::fp32) {
        const float phi = pair_angle(static_cast<float>(delta), static_cast<float>(theta[k]), zero);
        w[k] = static_cast<double>(std::cos(phi));
        w[k + static_cast<size_t>(pairs)] = static_cast<double>(std::sin(phi));
      } else {
        const double phi = pair_angle(delta, theta[k], zero);
        w[k] = std::cos(phi);
        w[k + static_cast<size_t>(pairs)] = std::sin(phi);
      }
    }
    const double mean = score_from_products(moments.mean.data(), w.data(), w.data() + pairs, pairs);
    double quad = 0.0;  // w^T comoment w
    for (int a = 0; a < m; ++a) {
      double row = 0.0;
      for (int b = 0; b < m; ++b) row += moments.comoment[static_cast<size_t>(a * m + b)] * w[static_cast<size_t>(b)];
      quad += w[static_cast<size_t>(a)] * row;
    }
    const double variance = std::max(0.0, quad / (moments.n - 1.0));  // sample variance of the score
    out.push_back({mean, std::sqrt(variance / moments.n), moments.n});
  }
  return out;
}

}  // namespace hopelab
