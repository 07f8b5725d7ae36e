#pragma once
// Rotary position embedding applied to one head vector (RoFormer, Su et al. 2021, eq. 13-15):
//   out[a_i] = x[a_i] cos(phi_i) - x[b_i] sin(phi_i),  out[b_i] = x[a_i] sin(phi_i) + x[b_i] cos(phi_i)
// for each pair i = 0..P-1 with dimensions (a_i, b_i) = pair_dimensions(i, d, layout), so that
// <R(phi_m) q, R(phi_n) k> depends only on phi_n - phi_m. Angles come from theory's pair_angle;
// kernels only apply them. float and double, host and device; no allocation, no I/O.
// float callers should reduce phi modulo 2 pi in double first: at |phi| ~ 1e7 a float keeps
// no phase at all.

#include <cmath>

#include "theory/allocation.h"
#include "theory/host_device.h"

namespace hopelab {

// (cos(phi), sin(phi)) in the precision of T, on host and device.
HOPELAB_HD inline void cos_sin(float phi, float* c, float* s) {
  *c = ::cosf(phi);
  *s = ::sinf(phi);
}
HOPELAB_HD inline void cos_sin(double phi, double* c, double* s) {
  *c = ::cos(phi);
  *s = ::sin(phi);
}

// One pair's rotation given c = cos(phi), s = sin(phi): reads both dimensions, then writes them.
// x, out: (d), the same array or not overlapping.
template <typename T>
HOPELAB_HD inline void rotate_pair(const T* x, PairDims dims, T c, T s, T* out) {
  const T xa = x[dims.first];
  const T xb = x[dims.second];
  out[dims.first] = xa * c - xb * s;   // [cos -sin] [x_a]
  out[dims.second] = xa * s + xb * c;  // [sin  cos] [x_b]
}

// out = R(angles) x. x, out: (d), the same array (in place) or not overlapping; angles: (P = d/2),
// pair i's phi_i.
template <typename T>
HOPELAB_HD inline void rotate_pairs(const T* x, const T* angles, int head_dim, PairLayout layout, T* out) {
  for (int i = 0; i < head_dim / 2; ++i) {
    T c, s;
    cos_sin(angles[i], &c, &s);
    rotate_pair(x, pair_dimensions(i, head_dim, layout), c, s, out);
  }
}

// sum_j a_j b_j, accumulated in T from j = 0. a, b: (n).
template <typename T>
HOPELAB_HD inline T dot(const T* a, const T* b, int n) {
  T sum = T(0);
  for (int j = 0; j < n; ++j) sum += a[j] * b[j];
  return sum;
}

}  // namespace hopelab
