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
#include "sim/device_sampling.h"
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

}  // namespace

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
  validate_sampling(method, cfg);
  const int pairs = method.spectrum.pairs();
  const std::int64_t chunks = std::min(kMaxChunks, cfg.samples);
  const std::int64_t chunk_size = (cfg.samples + chunks - 1) / chunks;
  const std::int64_t stride = chunk_stride(pairs);

  const DeviceSampling sampling(cfg, method.spectrum.head_dim);  // scales and pools on the backend's device
  const SamplingParams& params = sampling.params();

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
    rotation_weights(method, theta, offset, precision, w.data());
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
