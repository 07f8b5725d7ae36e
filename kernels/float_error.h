#pragma once
// Forward error of float32 arithmetic (docs/theory.md §10; Higham, Accuracy and Stability of
// Numerical Algorithms, §3.1): a value computed through stages of float32 inner products of
// lengths n_1, ..., n_k errs by at most gamma_N M, N = sum n_j, gamma_N = N u / (1 - N u),
// u = 2^-24, M = the same computation on absolute values. Element-wise steps count their
// relative error in units of u (a rotated operand: 2 pi + 3).

#include <cmath>

#include "theory/host_device.h"

namespace hopelab {

constexpr double kFloat32UnitRoundoff = 0x1p-24;  // u: half the gap between 1 and the next float

// gamma_N = N u / (1 - N u); infinite once N u >= 1 (no bound left).
HOPELAB_HD inline double float32_gamma(double error_count) {
  const double nu = error_count * kFloat32UnitRoundoff;
  return nu < 1.0 ? nu / (1.0 - nu) : HUGE_VAL;
}

// |float32 value - exact value| <= gamma_N M. error_count: N, the summed stage lengths (and
// element-wise counts) along the value's longest path; magnitude: M >= |A_k|...|A_1||x|.
HOPELAB_HD inline double float32_error_bound(double error_count, double magnitude) {
  return float32_gamma(error_count) * magnitude;
}

}  // namespace hopelab
