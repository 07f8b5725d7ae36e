#pragma once
// The score between a query q at position n and a key k at position m under RoPE,
//   <R(n theta) q, R(m theta) k> = sum_i C_i cos(phi_i) + S_i sin(phi_i),   phi_i = (n - m) theta_i,
//   C_i = q_a k_a + q_b k_b,   S_i = q_a k_b - q_b k_a   ((a, b) = pair i's dimensions),
// is linear in the per-pair products (C, S). Monte Carlo estimates over samples therefore
// accumulate (C, S) once per sample and evaluate any number of offsets from their moments
// (docs/theory.md, "Estimating the preference").

#include "theory/allocation.h"
#include "theory/host_device.h"

namespace hopelab {

// x = (C_0..C_{P-1}, S_0..S_{P-1}). q, k: (d); x: (2P).
template <typename T>
HOPELAB_HD inline void pair_products(const T* q, const T* k, int head_dim, PairLayout layout, T* x) {
  const int pairs = head_dim / 2;
  for (int i = 0; i < pairs; ++i) {
    const PairDims p = pair_dimensions(i, head_dim, layout);
    x[i] = q[p.first] * k[p.first] + q[p.second] * k[p.second];
    x[pairs + i] = q[p.first] * k[p.second] - q[p.second] * k[p.first];
  }
}

// sum_i C_i cos(phi_i) + S_i sin(phi_i). x: (2P); cos_phi, sin_phi: (P).
template <typename T>
HOPELAB_HD inline T score_from_products(const T* x, const T* cos_phi, const T* sin_phi, int pairs) {
  T score = T(0);
  for (int i = 0; i < pairs; ++i) score += x[i] * cos_phi[i] + x[pairs + i] * sin_phi[i];
  return score;
}

}  // namespace hopelab
