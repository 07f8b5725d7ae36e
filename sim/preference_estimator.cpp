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
  std::int64_t first_chunk;  // the chunk in out's slot 0
  double* out;

  HOPELAB_HD void operator()(std::int64_t chunk) const {
    const int pairs = head_dim / 2;
    const int m = 2 * pairs;
    double* n = out + (chunk - first_chunk) * chunk_stride(pairs);
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

std::int64_t pair_product_chunks(std::int64_t samples) { return std::min(kMaxChunks, samples); }

std::int64_t chunk_floats(int pairs) { return chunk_stride(pairs); }

std::vector<double> accumulate_pair_product_chunks(const Method& method, const PreferenceSampling& cfg,
                                                   std::int64_t first, std::int64_t last) {
  validate_sampling(method, cfg);
  const std::int64_t chunks = pair_product_chunks(cfg.samples);
  if (first < 0 || first > last || last > chunks) {
    throw InputError("chunk range [" + std::to_string(first) + ", " + std::to_string(last) + ") is outside the " +
                     std::to_string(chunks) + " chunks of " + std::to_string(cfg.samples) + " samples");
  }
  const std::int64_t chunk_size = (cfg.samples + chunks - 1) / chunks;
  const std::int64_t stride = chunk_stride(method.spectrum.pairs());

  const DeviceSampling sampling(cfg, method.spectrum.head_dim);  // scales and pools on the backend's device
  const SamplingParams& params = sampling.params();

  // Slot c - first holds chunk c, a pure function of the chunk's sample indices.
  thrust::device_vector<double> slots(static_cast<size_t>((last - first) * stride), 0.0);
  const AccumulateChunk accumulate{params, method.spectrum.head_dim, method.allocation.layout, chunk_size, first,
                                   thrust::raw_pointer_cast(slots.data())};
  thrust::for_each(thrust::counting_iterator<std::int64_t>(first), thrust::counting_iterator<std::int64_t>(last),
                   accumulate);
  return std::vector<double>(slots.begin(), slots.end());
}

PairProductMoments merge_chunks(int pairs, const std::vector<double>& chunks) {
  const std::int64_t stride = chunk_stride(pairs);
  if (pairs < 1 || chunks.size() % static_cast<size_t>(stride) != 0) {
    throw InputError(std::to_string(chunks.size()) + " numbers are not whole chunk accumulators of " +
                     std::to_string(pairs) + " pairs");
  }
  // Merge the chunks in index order: the same sum for any thread count, backend or split.
  PairProductMoments total;
  total.pairs = pairs;
  for (size_t at = 0; at < chunks.size(); at += static_cast<size_t>(stride)) {
    const double* slot = chunks.data() + at;
    PairProductMoments part;
    part.pairs = pairs;
    part.n = slot[0];
    part.mean.assign(slot + 1, slot + 1 + 2 * pairs);
    part.comoment.assign(slot + 1 + 2 * pairs, slot + stride);
    total = merge(total, part);
  }
  return total;
}

PairProductMoments accumulate_pair_products(const Method& method, const PreferenceSampling& cfg) {
  return merge_chunks(method.spectrum.pairs(),
                      accumulate_pair_product_chunks(method, cfg, 0, pair_product_chunks(cfg.samples)));
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
