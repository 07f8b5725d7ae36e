#include "theory/cosine_scan.h"

#include <algorithm>
#include <cmath>

namespace hopelab {

ScanResult scan_first_negative(const std::vector<double>& omega, const std::vector<double>& weight,
                               std::int64_t first, std::int64_t last) {
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
      if (sum < 0.0) return {block + k, sum};
    }
  }
  return {};
}

double scan_rounding_bound(const std::vector<double>& weight) {
  // Each complex step adds at most ~4 eps of relative error (two products, one sum, and the
  // rounded step itself); after kResyncSteps steps |z_i - exp(i m omega_i)| <= 4 K eps.
  double total = 0.0;
  for (double w : weight) total += std::fabs(w);
  return 4.0 * static_cast<double>(kResyncSteps) * 2.220446049250313e-16 * total;
}

}  // namespace hopelab
