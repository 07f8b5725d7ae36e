#pragma once
// Closed-form semantic preference (Men et al. Theorem 1; HoPE Definition 3.1).
// For a query q, a similar key k* = q + eps (E[eps] = 0, independent of q) and a random key k,
// all with independent components of a common mean, the expected preference between tokens
// at position offset Delta = (dt, dh, dw) is
//   D(Delta) = E[q^T R(Delta) k*] - E[q^T R(Delta) k] = sum_i (s2[a_i] + s2[b_i]) cos(phi_i),
//   phi_i = Delta_axis(i) * theta_i  (0 for a zero-frequency pair),
// where (a_i, b_i) are pair i's dimensions and s2 the per-dimension variances of q. With
// i.i.d. components of variance sigma^2 this is 2 sigma^2 sum_i cos(phi_i) (docs/theory.md).

#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "theory/host_device.h"
#include "theory/method.h"

namespace hopelab {

using Offset3 = Position3;

// phi_i: the angle pair i rotates by between two tokens whose axis offset is `axis_offset`,
// computed in T (double for the theory; float to measure float32 phases).
template <typename T>
HOPELAB_HD inline T pair_angle(T axis_offset, T theta, bool zero_frequency) {
  return zero_frequency ? T(0) : axis_offset * theta;
}

HOPELAB_HD inline double axis_component(const Offset3& offset, Axis axis) {
  return axis == Axis::t ? offset.t : axis == Axis::h ? offset.h : offset.w;
}

// by_axis[a] += sum over pairs i on axis a of w_i cos(phi_i): the one implementation of D,
// used by the theory on the host and by sim/ engines on host and device.
// axis, zero, theta, weight: (P); by_axis: (3), indexed by Axis, not cleared.
HOPELAB_HD inline void accumulate_preference(int pairs, const Axis* axis, const std::uint8_t* zero,
                                             const double* theta, const double* weight,
                                             const Offset3& offset, double* by_axis) {
  for (int i = 0; i < pairs; ++i) {
    const double phi = pair_angle(axis_component(offset, axis[i]), theta[i], zero[i] != 0);
    by_axis[static_cast<int>(axis[i])] += weight[i] * ::cos(phi);
  }
}

struct Preference {
  double total = 0.0;
  std::array<double, 3> by_axis{};  // indexed by Axis; zero pairs count on their own axis
};

// w_i = 2 sigma^2 for every pair. Returns (P).
std::vector<double> pair_weights(const Method& method, double sigma);
// w_i = s2[a_i] + s2[b_i] with the method's pair layout. variances: (d). Returns (P).
std::vector<double> pair_weights(const Method& method, const std::vector<double>& variances);

// D(offset) = sum_i w_i cos(phi_i). weights: (P).
Preference expected_preference(const Method& method, const Offset3& offset, const std::vector<double>& weights);
Preference expected_preference(const Method& method, const Offset3& offset, double sigma = 1.0);

}  // namespace hopelab
