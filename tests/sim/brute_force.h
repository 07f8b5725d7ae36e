#pragma once
// Independent per-sample references for the Monte Carlo engines: the documented draws of one
// Gaussian sample (streams kStreamQuery / kStreamKey / kStreamNoise, draw j / 2 for components
// j, j + 1; with fp32 normals, the scalar normal_quad at draw j / 4 for j .. j + 3) and the RoPE score by explicit rotation in long double, with theta recomputed here
// and the pair layout written out from its definition. Shares no code with the engines' maths.
#include <cmath>
#include <cstdint>
#include <vector>

#include "kernels/fast_normal.h"
#include "kernels/normal.h"
#include "sim/sampling.h"

namespace hopelab {

// Score <R(n theta) q, R(m theta) k> with Delta = n - m, by explicit rotation of both vectors in
// long double (theta recomputed here; the pair layout written out from its definition).
inline long double brute_force_score(const std::vector<long double>& q, const std::vector<long double>& k,
                              const Method& method, const Offset3& delta) {
  const int d = method.spectrum.head_dim;
  long double score = 0;
  for (int i = 0; i < d / 2; ++i) {
    const Axis axis = method.allocation.axis[static_cast<size_t>(i)];
    const long double theta = method.allocation.zero[static_cast<size_t>(i)]
                                  ? 0.0L
                                  : std::pow(static_cast<long double>(method.spectrum.base), -2.0L * i / d);
    const long double pos = axis == Axis::t ? delta.t : axis == Axis::h ? delta.h : delta.w;
    // Query at position pos, key at 0: rotate q by pos*theta, k by 0.
    const int a = method.allocation.layout == PairLayout::halves ? i : 2 * i;
    const int b = method.allocation.layout == PairLayout::halves ? i + d / 2 : 2 * i + 1;
    const long double c = std::cos(pos * theta), s = std::sin(pos * theta);
    const long double qa = q[a] * c - q[b] * s, qb = q[a] * s + q[b] * c;
    score += qa * k[a] + qb * k[b];
  }
  return score;
}

struct BruteForceSample {
  std::vector<long double> q, k, k_star;  // (d) each
};

// Component `dim` of stream `stream` of sample s, standard normal, as the sampling documents it.
inline long double documented_normal(const PreferenceSampling& cfg, std::uint32_t stream, std::uint64_t s, int dim) {
  if (cfg.normals == NormalPrecision::fp32) {
    float quad[4];
    normal_quad(cfg.seed, stream, s, static_cast<std::uint32_t>(dim / 4), quad);
    return quad[dim % 4];
  }
  const VariatePair<double> z = normal_pair(cfg.seed, stream, s, static_cast<std::uint32_t>(dim / 2));
  return dim % 2 == 0 ? z.first : z.second;
}

inline BruteForceSample draw_gaussian_sample(const PreferenceSampling& cfg, std::int64_t s, int d) {
  BruteForceSample out{std::vector<long double>(d), std::vector<long double>(d), std::vector<long double>(d)};
  const auto sample = static_cast<std::uint64_t>(s);
  for (int dim = 0; dim < d; ++dim) {
    out.q[dim] = cfg.mu + cfg.sigma * documented_normal(cfg, kStreamQuery, sample, dim);
    out.k[dim] = cfg.mu + cfg.sigma * documented_normal(cfg, kStreamKey, sample, dim);
    out.k_star[dim] = out.q[dim] + cfg.eps * cfg.sigma * documented_normal(cfg, kStreamNoise, sample, dim);
  }
  return out;
}

}  // namespace hopelab
