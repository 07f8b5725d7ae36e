#include "theory/sign_flip.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "theory/input_error.h"
#include "theory/text_format.h"

namespace hopelab {

double sign_flip_threshold(std::int64_t context_length) {
  if (context_length < 2) throw InputError("context length must be >= 2, got " + std::to_string(context_length));
  return M_PI / (2.0 * static_cast<double>(context_length - 1));
}

double sign_flip_probability(double theta, std::int64_t context_length) {
  if (context_length < 1) throw InputError("context length must be >= 1, got " + std::to_string(context_length));
  if (!(theta >= 0.0) || !std::isfinite(theta)) {
    throw InputError("theta must be finite and >= 0, got " + format_number(theta));
  }
  // cos(theta n) = cos((theta mod 2 pi) n) for integer n: at most L intervals below.
  theta = std::fmod(theta, 2.0 * M_PI);
  if (theta == 0.0) return 0.0;
  // cos(theta n) < 0  <=>  theta n in (pi/2 + 2 pi k, 3 pi/2 + 2 pi k) for some k >= 0.
  // Count the integers n <= L-1 strictly inside each such interval of n.
  const double last = static_cast<double>(context_length - 1);
  std::int64_t negative = 0;
  for (std::int64_t k = 0;; ++k) {
    const double lo = (M_PI / 2.0 + 2.0 * M_PI * static_cast<double>(k)) / theta;
    if (lo > last) break;
    const double hi = (3.0 * M_PI / 2.0 + 2.0 * M_PI * static_cast<double>(k)) / theta;
    const double first_n = std::floor(lo) + 1.0;                // smallest integer > lo
    const double last_n = std::min(std::ceil(hi) - 1.0, last);  // largest integer < hi, <= L-1
    if (last_n >= first_n) negative += static_cast<std::int64_t>(last_n - first_n + 1.0);
  }
  return static_cast<double>(negative) / static_cast<double>(context_length);
}

}  // namespace hopelab
