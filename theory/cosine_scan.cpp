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

double scan_rounding_bound(const std::vector<double>& weight) {
  double total = 0.0;
  for (double w : weight) total += std::fabs(w);
  return 4.0 * static_cast<double>(kResyncSteps) * 2.220446049250313e-16 * total;
}

}  // namespace hopelab
