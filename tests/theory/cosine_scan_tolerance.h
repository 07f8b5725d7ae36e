#pragma once
// How far theory/cosine_scan.h's scanned S(m) = sum_i w_i cos(m omega_i) may sit from a long
// double direct sum, derived here and not taken from scan_rounding_bound. u = 2^-53; K = the
// resync period; pair i at m = b + k, b its last resync, 0 <= k < K:
//   (a) the resync phase fl(b omega_i) is off by <= u |b omega_i| <= u |last omega_i|, and z_i
//       moves along the circle by as much;
//   (b) its cos and sin (glibc: under 1 ulp, <= 2u on [-1, 1]) move z_i by <= 2 sqrt2 u;
//   (c) each of the k steps: the rounded step (cos omega_i, sin omega_i) is off by <= 2 sqrt2 u,
//       and the complex product adds <= sqrt2 gamma_2 |z||step| (Higham, Accuracy and
//       Stability, §3.6), gamma_2 ~ 2u: <= 4 sqrt2 u per step while |z| stays ~1;
//   (d) the weighted sum over the P pairs adds gamma_P sum |w_i| (|re_i| ~ 1);
//   (e) the reference: its long double phase (u_L |m omega_i|), cosl (2 u_L) and sum (P u_L).
// |z| grows by at most (1 + 6u)^K and gamma_n exceeds n u by a factor 1 / (1 - n u): both are
// under 1.01 for the K and P here, which the factor `growth` covers.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace hopelab::scan_test {

// (a) to (d): the scan's own error bound up to distance `last`. omega, weight: (P).
inline double scan_error_bound(const std::vector<double>& omega, const std::vector<double>& weight,
                               std::int64_t last, std::int64_t resync_steps) {
  const double u = 0x1p-53, growth = 1.01, root2 = std::sqrt(2.0);
  const double pairs = static_cast<double>(omega.size());
  const double steps = static_cast<double>(resync_steps - 1);  // the most steps since a resync
  double bound = 0.0;
  for (std::size_t i = 0; i < omega.size(); ++i) {
    const double phase = std::fabs(static_cast<double>(last) * omega[i]);
    bound += std::fabs(weight[i]) * growth * u * (phase + 2 * root2 + 4 * root2 * steps + pairs);
  }
  return bound;
}

// (a) to (e): the tolerance of |scanned - long double direct sum|.
inline double scan_tolerance(const std::vector<double>& omega, const std::vector<double>& weight,
                             std::int64_t last, std::int64_t resync_steps) {
  const double u_long = static_cast<double>(std::numeric_limits<long double>::epsilon()) / 2;
  const double pairs = static_cast<double>(omega.size());
  double reference = 0.0;
  for (std::size_t i = 0; i < omega.size(); ++i) {
    reference += std::fabs(weight[i]) * 1.01 * u_long * (std::fabs(static_cast<double>(last) * omega[i]) + 2 + pairs);
  }
  return scan_error_bound(omega, weight, last, resync_steps) + reference;
}

}  // namespace hopelab::scan_test
