#include "theory/cosine_scan.h"

namespace hopelab {

ScanResult scan_first_negative(const std::vector<double>& omega, const std::vector<double>& weight,
                               std::int64_t first, std::int64_t last) {
  ScanResult result;
  scan_cosine_sums(omega, weight, first, last, [&](std::int64_t m, double sum) {
    if (sum >= 0.0) return true;
    result.first_negative = m;
    result.value = sum;
    return false;
  });
  return result;
}

double scan_rounding_bound(const std::vector<double>& omega, const std::vector<double>& weight, std::int64_t last) {
  constexpr double kEps = 2.220446049250313e-16;
  double bound = 0.0;
  for (size_t i = 0; i < weight.size(); ++i) {
    const double phase = std::fabs(static_cast<double>(last) * omega[i]);
    bound += std::fabs(weight[i]) * (4.0 * static_cast<double>(kResyncSteps) * kEps + kEps * phase);
  }
  return bound;
}

}  // namespace hopelab
