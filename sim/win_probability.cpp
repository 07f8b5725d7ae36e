#include "sim/win_probability.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include <thrust/device_vector.h>
#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>

namespace hopelab {

namespace {

// Samples whose pair products are held at once: block * 2P doubles (64 MiB at d = 128).
constexpr std::int64_t kBlockSamples = 1 << 15;

// x_s for samples first..first+count-1 into x (count, 2P).
struct DrawPairProducts {
  SamplingParams params;
  int head_dim;
  PairLayout layout;
  std::int64_t first;
  double* x;

  HOPELAB_HD void operator()(std::int64_t j) const {
    double q[kMaxEstimatorHeadDim], v[kMaxEstimatorHeadDim], z[kMaxEstimatorHeadDim];
    sample_pair_products(params, head_dim, layout, first + j, q, v, z, x + j * head_dim);
  }
};

// wins[m] += #{s in block : x_s . w_m > 0}. x: (count, 2P); w: (M, 2P); wins: (M).
struct CountWins {
  const double* x;
  const double* w;
  std::int64_t count;
  int pairs;
  std::int64_t* wins;

  HOPELAB_HD void operator()(std::int64_t m) const {
    const double* wm = w + m * 2 * pairs;
    std::int64_t won = 0;
    for (std::int64_t s = 0; s < count; ++s) {
      won += score_from_products(x + s * 2 * pairs, wm, wm + pairs, pairs) > 0.0;
    }
    wins[m] += won;
  }
};

}  // namespace

std::vector<WinEstimate> estimate_win_probability(const Method& method, const PreferenceSampling& cfg,
                                                  const std::vector<Offset3>& offsets, PhasePrecision precision) {
  validate_sampling(method, cfg);
  const int pairs = method.spectrum.pairs();
  const int head_dim = method.spectrum.head_dim;
  const auto offsets_count = static_cast<std::int64_t>(offsets.size());

  const std::vector<double> theta = rope_frequencies(method.spectrum);
  std::vector<double> w(offsets.size() * static_cast<size_t>(2 * pairs));
  for (size_t m = 0; m < offsets.size(); ++m) {
    rotation_weights(method, theta, offsets[m], precision, w.data() + m * static_cast<size_t>(2 * pairs));
  }
  const thrust::device_vector<double> w_d(w.begin(), w.end());
  const std::vector<double> scales = component_scales(cfg, head_dim);
  const thrust::device_vector<double> scales_d(scales.begin(), scales.end());
  const SamplingParams params = sampling_params(cfg, thrust::raw_pointer_cast(scales_d.data()));

  thrust::device_vector<std::int64_t> wins_d(offsets.size(), 0);
  thrust::device_vector<double> x_d(static_cast<size_t>(std::min(kBlockSamples, cfg.samples) * 2 * pairs));
  for (std::int64_t first = 0; first < cfg.samples; first += kBlockSamples) {
    const std::int64_t count = std::min(kBlockSamples, cfg.samples - first);
    thrust::for_each(thrust::counting_iterator<std::int64_t>(0), thrust::counting_iterator<std::int64_t>(count),
                     DrawPairProducts{params, head_dim, method.allocation.layout, first,
                                      thrust::raw_pointer_cast(x_d.data())});
    thrust::for_each(thrust::counting_iterator<std::int64_t>(0),
                     thrust::counting_iterator<std::int64_t>(offsets_count),
                     CountWins{thrust::raw_pointer_cast(x_d.data()), thrust::raw_pointer_cast(w_d.data()), count,
                               pairs, thrust::raw_pointer_cast(wins_d.data())});
  }

  const std::vector<std::int64_t> wins(wins_d.begin(), wins_d.end());
  std::vector<WinEstimate> out;
  const auto n = static_cast<double>(cfg.samples);
  for (std::int64_t won : wins) {
    const double p = static_cast<double>(won) / n;
    out.push_back({p, std::sqrt(p * (1.0 - p) / n), n});
  }
  return out;
}

}  // namespace hopelab
