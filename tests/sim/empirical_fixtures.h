#pragma once
// Independent helpers for tests of the empirical law (sim/sampling.h): test pools, the
// documented draws of one sample, and an oracle for the expected preference, all in long
// double by explicit rotation (brute_force.h). They use none of the engine's closed-form
// algebra (means, variances, sin terms).
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "brute_force.h"
#include "kernels/normal.h"
#include "kernels/uniform_index.h"
#include "sim/sampling.h"

namespace hopelab {

// (n, d) rows mean(j) + scale(j) g, g N(0, 1) from Philox stream 7 under `seed` (test data, not
// the sampler's streams).
template <class Mean, class Scale>
std::vector<double> make_pool(int n, int d, std::uint64_t seed, Mean mean, Scale scale) {
  std::vector<double> rows(static_cast<size_t>(n * d));
  for (int r = 0; r < n; ++r) {
    for (int j = 0; j < d; j += 2) {
      const VariatePair<double> g =
          normal_pair(seed, 7, static_cast<std::uint64_t>(r), static_cast<std::uint32_t>(j / 2));
      rows[static_cast<size_t>(r * d + j)] = mean(j) + scale(j) * g.first;
      rows[static_cast<size_t>(r * d + j + 1)] = mean(j + 1) + scale(j + 1) * g.second;
    }
  }
  return rows;
}

inline std::vector<long double> row_of(const std::vector<double>& pool, int d, int r) {
  return std::vector<long double>(pool.begin() + r * d, pool.begin() + (r + 1) * d);
}

inline std::vector<long double> column_means(const std::vector<double>& pool, int d) {
  std::vector<long double> mean(static_cast<size_t>(d), 0.0L);
  const int n = static_cast<int>(pool.size()) / d;
  for (int r = 0; r < n; ++r) {
    for (int j = 0; j < d; ++j) mean[static_cast<size_t>(j)] += pool[static_cast<size_t>(r * d + j)];
  }
  for (long double& m : mean) m /= n;
  return mean;
}

// Population standard deviation of each column, (d), two-pass.
inline std::vector<long double> column_scales(const std::vector<double>& pool, int d) {
  const std::vector<long double> mean = column_means(pool, d);
  std::vector<long double> scale(static_cast<size_t>(d), 0.0L);
  const int n = static_cast<int>(pool.size()) / d;
  for (int r = 0; r < n; ++r) {
    for (int j = 0; j < d; ++j) {
      const long double dev = pool[static_cast<size_t>(r * d + j)] - mean[static_cast<size_t>(j)];
      scale[static_cast<size_t>(j)] += dev * dev / n;
    }
  }
  for (long double& s : scale) s = std::sqrt(s);
  return scale;
}

// The oracle: E[score(q, k*)] - E[score(q, k)] with q, k independent uniform rows and k* - q of
// mean zero independent of q equals mean_r score(q_r, q_r) - score(mean q, mean k), by
// bilinearity of the score; evaluated by explicit rotation in long double.
inline long double oracle_preference(const std::vector<double>& queries, const std::vector<double>& keys,
                                     const Method& method, const Offset3& offset) {
  const int d = method.spectrum.head_dim;
  const int n = static_cast<int>(queries.size()) / d;
  long double self = 0.0L;
  for (int r = 0; r < n; ++r) {
    const std::vector<long double> q = row_of(queries, d, r);
    self += brute_force_score(q, q, method, offset);
  }
  return self / n - brute_force_score(column_means(queries, d), column_means(keys, d), method, offset);
}

inline PreferenceSampling empirical(std::vector<double> queries, std::vector<double> keys, std::uint64_t seed,
                                    std::int64_t samples) {
  PreferenceSampling cfg;
  cfg.law = ComponentLaw::empirical;
  cfg.query_pool = std::move(queries);
  cfg.key_pool = std::move(keys);
  cfg.seed = seed;
  cfg.samples = samples;
  return cfg;
}

// The documented draws of sample s: q = Q[uniform_index(n_q, seed, kStreamQuery, s, 0)],
// k = K[uniform_index(n_k, seed, kStreamKey, s, 0)] (K = Q without a key pool),
// k*_j = q_j + eps s_j Z_j with Z_j, Z_j+1 = normal_pair(seed, kStreamNoise, s, j / 2) and s_j the
// query pool's population std (`scales`, from column_scales).
inline BruteForceSample draw_empirical_sample(const PreferenceSampling& cfg, const std::vector<long double>& scales,
                                              std::int64_t s, int d) {
  const std::vector<double>& keys = cfg.key_pool.empty() ? cfg.query_pool : cfg.key_pool;
  const auto sample = static_cast<std::uint64_t>(s);
  const auto n_q = static_cast<std::uint64_t>(cfg.query_pool.size()) / static_cast<std::uint64_t>(d);
  const auto n_k = static_cast<std::uint64_t>(keys.size()) / static_cast<std::uint64_t>(d);
  BruteForceSample out;
  out.q = row_of(cfg.query_pool, d, static_cast<int>(uniform_index(n_q, cfg.seed, kStreamQuery, sample, 0)));
  out.k = row_of(keys, d, static_cast<int>(uniform_index(n_k, cfg.seed, kStreamKey, sample, 0)));
  out.k_star = out.q;
  for (int j = 0; j < d; j += 2) {
    const VariatePair<double> z = normal_pair(cfg.seed, kStreamNoise, sample, static_cast<std::uint32_t>(j / 2));
    out.k_star[static_cast<size_t>(j)] += cfg.eps * scales[static_cast<size_t>(j)] * z.first;
    out.k_star[static_cast<size_t>(j + 1)] += cfg.eps * scales[static_cast<size_t>(j + 1)] * z.second;
  }
  return out;
}

}  // namespace hopelab
