#pragma once
// Two-sided z for a family of `checks` simultaneous z-tests at family level alpha, with Sidak's
// correction: per-check level 1 - (1 - alpha)^(1/k), z = Phi^-1(1 - level / 2). Inverts erfc by
// bisection (no Boost, so CUDA-compiled tests can use it).
#include <cmath>

namespace hopelab::testing {

inline double sidak_z(int checks, double family_alpha) {
  const double level = -std::expm1(std::log1p(-family_alpha) / checks);  // 1 - (1 - alpha)^(1/k)
  double lo = 0.0, hi = 40.0;  // P(|Z| > z) = erfc(z / sqrt 2) decreases in z
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (std::erfc(mid / std::sqrt(2.0)) > level ? lo : hi) = mid;
  }
  return hi;
}

}  // namespace hopelab::testing
