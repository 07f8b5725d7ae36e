#include "sim/preference_estimator.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <thrust/device_vector.h>
#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>

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

// Draws sample s's q, k and xi and returns the pair products x of (q, v = q + eps xi - k).
// q, v: (d) scratch; x: (2P).
HOPELAB_HD inline void sample_pair_products(const PreferenceSampling& cfg, int head_dim, PairLayout layout,
                                            std::int64_t s, double* q, double* v, double* x) {
  const auto sample = static_cast<std::uint64_t>(s);
  for (int j = 0; j < head_dim; j += 2) {
    const auto draw = static_cast<std::uint32_t>(j / 2);
    const VariatePair<double> zq = normal_pair(cfg.seed, kStreamQuery, sample, draw);
    const VariatePair<double> zk = normal_pair(cfg.seed, kStreamKey, sample, draw);
    const VariatePair<double> zn = normal_pair(cfg.seed, kStreamNoise, sample, draw);
    q[j] = cfg.mu + cfg.sigma * zq.first;
    q[j + 1] = cfg.mu + cfg.sigma * zq.second;
    v[j] = q[j] + cfg.eps * zn.first - (cfg.mu + cfg.sigma * zk.first);
    v[j + 1] = q[j + 1] + cfg.eps * zn.second - (cfg.mu + cfg.sigma * zk.second);
  }
  pair_products(q, v, head_dim, layout, x);
}

// Welford accumulation of one chunk of samples into its slot of `out`.
struct AccumulateChunk {
  PreferenceSampling cfg;
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
    double q[kMaxEstimatorHeadDim], v[kMaxEstimatorHeadDim], x[kMaxEstimatorHeadDim], delta[kMaxEstimatorHeadDim];
    const std::int64_t first = chunk * chunk_size;
    const std::int64_t last = first + chunk_size < cfg.samples ? first + chunk_size : cfg.samples;
    for (std::int64_t s = first; s < last; ++s) {
      sample_pair_products(cfg, head_dim, layout, s, q, v, x);
      *n += 1.0;
      for (int a = 0; a < m; ++a) {
        delta[a] = x[a] - mean[a];
        mean[a] += delta[a] / *n;
      }
      for (int a = 0; a < m; ++a) {
        for (int b = 0; b < m; ++b) comoment[a * m + b] += delta[a] * (x[b] - mean[b]);
      }
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
}

}  // namespace

PairProductMoments merge(const PairProductMoments& a, const PairProductMoments& b) {
  if (a.n == 0.0) return b;
  if (b.n == 0.0) return a;
  if (a.pairs != b.pairs) {
    throw InputError("cannot merge moments of " + std::to_string(a.pairs) + " and " + std::to_string(b.pairs) +
                     " pairs");
  }
  const size_t m = a.mean.size();
  PairProductMoments out = a;
  out.n = a.n + b.n;
  std::vector<double> delta(m);
  for (size_t i = 0; i < m; ++i) {
    delta[i] = b.mean[i] - a.mean[i];
    out.mean[i] = a.mean[i] + delta[i] * (b.n / out.n);
  }
  const double weight = a.n * b.n / out.n;
  for (size_t i = 0; i < m; ++i) {
    for (size_t j = 0; j < m; ++j) {
      out.comoment[i * m + j] = a.comoment[i * m + j] + b.comoment[i * m + j] + delta[i] * delta[j] * weight;
    }
  }
  return out;
}

PairProductMoments accumulate_pair_products(const Method& method, const PreferenceSampling& cfg) {
  validate(method, cfg);
  const int pairs = method.spectrum.pairs();
  const std::int64_t chunks = std::min(kMaxChunks, cfg.samples);
  const std::int64_t chunk_size = (cfg.samples + chunks - 1) / chunks;
  const std::int64_t stride = chunk_stride(pairs);

  thrust::device_vector<double> slots(static_cast<size_t>(chunks * stride), 0.0);
  const AccumulateChunk accumulate{cfg, method.spectrum.head_dim, method.allocation.layout, chunk_size,
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
                                                    const std::vector<Offset3>& offsets) {
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
      const double phi = pair_angle(axis_component(offset, method.allocation.axis[k]), theta[k],
                                    method.allocation.zero[k] != 0);
      w[k] = std::cos(phi);
      w[k + static_cast<size_t>(pairs)] = std::sin(phi);
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
