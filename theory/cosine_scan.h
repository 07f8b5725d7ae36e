#pragma once
// Fast scan of S(m) = sum_i w_i cos(m * omega_i) over consecutive integers m, used by first
// violations and base bounds. Rather than one cos per pair and m, each pair keeps the unit
// complex number z_i = exp(i m omega_i) and multiplies it by exp(i omega_i) per step; every
// kResyncSteps steps z_i is recomputed from cos/sin(m omega_i) directly, so rounding drift
// stays below scan_rounding_bound (docs/theory.md, "Scanning distances").

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

namespace hopelab {

constexpr std::int64_t kResyncSteps = 512;

// Calls visit(m, S(m)) for m = first..last in order until it returns false. omega, weight: (P).
template <class Visit>
void scan_cosine_sums(const std::vector<double>& omega, const std::vector<double>& weight, std::int64_t first,
                      std::int64_t last, Visit&& visit) {
  const size_t n = omega.size();
  std::vector<double> re(n), im(n), step_re(n), step_im(n);
  for (size_t i = 0; i < n; ++i) {
    step_re[i] = std::cos(omega[i]);
    step_im[i] = std::sin(omega[i]);
  }
  for (std::int64_t block = first; block <= last; block += kResyncSteps) {
    for (size_t i = 0; i < n; ++i) {  // exact state at m = block
      const double phase = static_cast<double>(block) * omega[i];
      re[i] = std::cos(phase);
      im[i] = std::sin(phase);
    }
    const std::int64_t steps = std::min(kResyncSteps, last - block + 1);
    for (std::int64_t k = 0; k < steps; ++k) {
      double sum = 0.0;
      for (size_t i = 0; i < n; ++i) {
        sum += weight[i] * re[i];
        const double r = re[i] * step_re[i] - im[i] * step_im[i];
        im[i] = re[i] * step_im[i] + im[i] * step_re[i];
        re[i] = r;
      }
      if (!visit(block + k, sum)) return;
    }
  }
}

struct ScanResult {
  std::optional<std::int64_t> first_negative;  // smallest m in [first, last] with S(m) < 0
  double value = 0.0;                          // scanned S at first_negative
};

ScanResult scan_first_negative(const std::vector<double>& omega, const std::vector<double>& weight,
                               std::int64_t first, std::int64_t last);

// Bound on |scanned S(m) - sum_i w_i cos(m omega_i)| for m <= last, with the same double omega_i
// and the exact product m omega_i: each resynchronisation rounds the phase fl(m omega_i) by up to
// eps |last omega_i| / 2, and each complex step after it adds at most ~4 eps (two products, a
// sum, the rounded step), over kResyncSteps steps:
//   sum_i |w_i| (4 kResyncSteps eps + eps |last omega_i|).
double scan_rounding_bound(const std::vector<double>& omega, const std::vector<double>& weight, std::int64_t last);

}  // namespace hopelab
