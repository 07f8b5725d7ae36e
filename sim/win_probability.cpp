#include "sim/win_probability.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>

#include <thrust/device_vector.h>
#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>

#include "kernels/score_tile.h"
#include "sim/device_sampling.h"

namespace hopelab {

namespace {

// Work decomposition of the counting product, per backend and precision: a register tile of
// S samples x M offsets (kernels/score_tile.h), and the chunk of samples x panel of offsets
// one work item sweeps. Host values were measured (docs/perf.md, "win probability"): a 16 x 16
// float tile keeps 16 AVX-512 accumulators, chunks of 512 samples' products stay in L2 and a
// panel's weights are reused from it. Device values give each thread a small tile and launch
// many threads.
#if defined(__CUDACC__)
template <typename T>  // the same for float and double (untuned: no device measured yet)
struct Tiling {
  static constexpr int S = 4, M = 4, chunk = 256, panel = 4;
};
#else
template <typename T>
struct Tiling;
template <>
struct Tiling<float> {
  static constexpr int S = 16, M = 16, chunk = 512, panel = 256;
};
template <>
struct Tiling<double> {
  static constexpr int S = 16, M = 8, chunk = 512, panel = 256;
};
#endif

// Samples whose pair products are held at once (a multiple of every chunk): 32 MiB of double
// products at d = 128.
constexpr std::int64_t kBlockSamples = 1 << 15;

std::int64_t round_up(std::int64_t n, std::int64_t multiple) { return (n + multiple - 1) / multiple * multiple; }

// Sample first + j's pair products, rounded to T, into lane j % S of tile j / S; lanes past the
// block's `count` samples are zero (their scores are 0, never a win). x: (tiles, 2P, S).
template <typename T, int S>
struct DrawPackedPairProducts {
  SamplingParams params;
  int head_dim;
  PairLayout layout;
  std::int64_t first, count;
  T* x;

  HOPELAB_HD void operator()(std::int64_t j) const {
    T* tile = x + (j / S) * head_dim * S;
    const auto lane = static_cast<int>(j % S);
    if (j >= count) {
      for (int k = 0; k < head_dim; ++k) tile[k * S + lane] = T(0);
      return;
    }
    double q[kMaxEstimatorHeadDim], v[kMaxEstimatorHeadDim], z[kMaxEstimatorHeadDim], products[kMaxEstimatorHeadDim];
    sample_pair_products(params, head_dim, layout, first + j, q, v, z, products);
    for (int k = 0; k < head_dim; ++k) tile[k * S + lane] = static_cast<T>(products[k]);
  }
};

// Work item (chunk c, panel p): partial[c][m] = wins among the chunk's samples, for the panel's
// offsets m. x: (sample tiles, 2P, S); w: (offset tiles, 2P, M); partial: (chunks, padded M).
template <typename T>
struct CountChunkWins {
  using Tile = Tiling<T>;
  const T* x;
  const T* w;
  int two_p;
  std::int64_t sample_tiles, offset_tiles, panels, padded_offsets;
  std::int32_t* partial;

  HOPELAB_HD void operator()(std::int64_t item) const {
    constexpr std::int64_t kTilesPerChunk = Tile::chunk / Tile::S, kTilesPerPanel = Tile::panel / Tile::M;
    const std::int64_t chunk = item / panels, panel = item % panels;
    const std::int64_t s_end = sample_tiles < (chunk + 1) * kTilesPerChunk ? sample_tiles : (chunk + 1) * kTilesPerChunk;
    const std::int64_t m_end = offset_tiles < (panel + 1) * kTilesPerPanel ? offset_tiles : (panel + 1) * kTilesPerPanel;
    std::int32_t* out = partial + chunk * padded_offsets;
    for (std::int64_t m = panel * kTilesPerPanel * Tile::M; m < m_end * Tile::M; ++m) out[m] = 0;
    for (std::int64_t st = chunk * kTilesPerChunk; st < s_end; ++st) {
      for (std::int64_t mt = panel * kTilesPerPanel; mt < m_end; ++mt) {
        count_positive_scores<T, Tile::S, Tile::M>(x + st * two_p * Tile::S, w + mt * two_p * Tile::M, two_p,
                                                   out + mt * Tile::M);
      }
    }
  }
};

// wins[m] += sum over chunks of partial[c][m]. partial: (chunks, padded M); wins: (M).
struct SumChunkWins {
  const std::int32_t* partial;
  std::int64_t chunks, padded_offsets;
  std::int64_t* wins;

  HOPELAB_HD void operator()(std::int64_t m) const {
    std::int64_t sum = 0;
    for (std::int64_t c = 0; c < chunks; ++c) sum += partial[c * padded_offsets + m];
    wins[m] += sum;
  }
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Win counts per offset with the dot products in T. w: (M, 2P) rotation weights.
template <typename T>
std::vector<std::int64_t> count_wins(const Method& method, const PreferenceSampling& cfg, const std::vector<double>& w,
                                     std::int64_t offsets, WinTiming& timing) {
  using Tile = Tiling<T>;
  const int two_p = method.spectrum.head_dim;
  const std::int64_t offset_tiles = round_up(offsets, Tile::M) / Tile::M;
  const std::int64_t padded_offsets = offset_tiles * Tile::M;
  const std::int64_t panels = round_up(padded_offsets, Tile::panel) / Tile::panel;

  // w packed into (offset tiles, 2P, M), zero past the last offset.
  std::vector<T> w_packed(static_cast<size_t>(padded_offsets * two_p), T(0));
  for (std::int64_t m = 0; m < offsets; ++m) {
    for (int k = 0; k < two_p; ++k) {
      w_packed[static_cast<size_t>((m / Tile::M) * two_p * Tile::M + k * Tile::M + m % Tile::M)] =
          static_cast<T>(w[static_cast<size_t>(m * two_p + k)]);
    }
  }
  const thrust::device_vector<T> w_d(w_packed.begin(), w_packed.end());
  const DeviceSampling sampling(cfg, two_p);  // scales and pools on the backend's device
  const SamplingParams& params = sampling.params();

  const std::int64_t block = std::min(kBlockSamples, round_up(cfg.samples, Tile::S));
  const std::int64_t max_chunks = round_up(block, Tile::chunk) / Tile::chunk;
  thrust::device_vector<T> x_d(static_cast<size_t>(block * two_p));
  thrust::device_vector<std::int32_t> partial_d(static_cast<size_t>(max_chunks * padded_offsets));
  thrust::device_vector<std::int64_t> wins_d(static_cast<size_t>(offsets), 0);
  for (std::int64_t first = 0; first < cfg.samples; first += kBlockSamples) {
    const std::int64_t count = std::min(kBlockSamples, cfg.samples - first);
    const std::int64_t sample_tiles = round_up(count, Tile::S) / Tile::S;
    const std::int64_t chunks = round_up(sample_tiles * Tile::S, Tile::chunk) / Tile::chunk;
    auto start = std::chrono::steady_clock::now();
    thrust::for_each(thrust::counting_iterator<std::int64_t>(0),
                     thrust::counting_iterator<std::int64_t>(sample_tiles * Tile::S),
                     DrawPackedPairProducts<T, Tile::S>{params, two_p, method.allocation.layout, first, count,
                                                        thrust::raw_pointer_cast(x_d.data())});
    timing.draw_seconds += seconds_since(start);
    start = std::chrono::steady_clock::now();
    thrust::for_each(thrust::counting_iterator<std::int64_t>(0), thrust::counting_iterator<std::int64_t>(chunks * panels),
                     CountChunkWins<T>{thrust::raw_pointer_cast(x_d.data()), thrust::raw_pointer_cast(w_d.data()),
                                       two_p, sample_tiles, offset_tiles, panels, padded_offsets,
                                       thrust::raw_pointer_cast(partial_d.data())});
    thrust::for_each(thrust::counting_iterator<std::int64_t>(0), thrust::counting_iterator<std::int64_t>(offsets),
                     SumChunkWins{thrust::raw_pointer_cast(partial_d.data()), chunks, padded_offsets,
                                  thrust::raw_pointer_cast(wins_d.data())});
    timing.count_seconds += seconds_since(start);
  }
  return std::vector<std::int64_t>(wins_d.begin(), wins_d.end());
}

}  // namespace

std::vector<WinEstimate> estimate_win_probability(const Method& method, const PreferenceSampling& cfg,
                                                  const std::vector<Offset3>& offsets, PhasePrecision precision,
                                                  WinTiming* timing) {
  validate_sampling(method, cfg);
  const int two_p = method.spectrum.head_dim;
  const std::vector<double> theta = rope_frequencies(method.spectrum);
  std::vector<double> w(offsets.size() * static_cast<size_t>(two_p));
  for (size_t m = 0; m < offsets.size(); ++m) {
    rotation_weights(method, theta, offsets[m], precision, w.data() + m * static_cast<size_t>(two_p));
  }
  WinTiming spent;
  const auto count = static_cast<std::int64_t>(offsets.size());
  const std::vector<std::int64_t> wins = precision == PhasePrecision::fp32
                                             ? count_wins<float>(method, cfg, w, count, spent)
                                             : count_wins<double>(method, cfg, w, count, spent);
  if (timing != nullptr) *timing = spent;

  std::vector<WinEstimate> out;
  const auto n = static_cast<double>(cfg.samples);
  for (std::int64_t won : wins) {
    const double p = static_cast<double>(won) / n;
    out.push_back({p, std::sqrt(p * (1.0 - p) / n), n});
  }
  return out;
}

}  // namespace hopelab
