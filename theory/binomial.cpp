#include "theory/binomial.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "theory/input_error.h"
#include "theory/text_format.h"

namespace hopelab {

ProportionInterval wilson_interval(std::int64_t successes, std::int64_t trials, double z) {
  if (trials < 0 || successes < 0 || successes > trials) {
    throw InputError("a proportion needs 0 <= successes <= trials, got " + std::to_string(successes) + " of " +
                     std::to_string(trials));
  }
  if (!(z > 0) || !std::isfinite(z)) throw InputError("the interval's z must be positive, got " + format_number(z));
  if (trials == 0) return {};
  const double n = static_cast<double>(trials), p = static_cast<double>(successes) / n, z2 = z * z;
  const double scale = 1.0 / (1.0 + z2 / n);
  const double centre = (p + z2 / (2 * n)) * scale;
  const double half = z * scale * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n));
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

namespace {

void check_counts(std::int64_t positives, std::int64_t trials) {
  if (trials < 0 || trials > 1000000 || positives < 0 || positives > trials) {
    throw InputError("a sign test needs 0 <= positives <= trials <= 10^6, got " + std::to_string(positives) +
                     " of " + std::to_string(trials));
  }
}

// P(X <= tail) for X ~ Binomial(n, 1/2): sum_j C(n, j) 2^-n, each term from lgamma (relative
// error ~ n eps).
double lower_tail(std::int64_t tail, std::int64_t trials) {
  const double n = static_cast<double>(trials);
  double sum = 0.0;
  for (std::int64_t j = 0; j <= tail; ++j) {
    const double k = static_cast<double>(j);
    sum += std::exp(std::lgamma(n + 1) - std::lgamma(k + 1) - std::lgamma(n - k + 1) - n * std::log(2.0));
  }
  return sum;
}

}  // namespace

double sign_test_p(std::int64_t positives, std::int64_t trials) {
  check_counts(positives, trials);
  return std::min(1.0, 2 * lower_tail(std::min(positives, trials - positives), trials));
}

double sign_test_greater_p(std::int64_t positives, std::int64_t trials) {
  check_counts(positives, trials);
  return std::min(1.0, lower_tail(trials - positives, trials));  // P(X >= k) = P(X <= n - k) by symmetry
}

}  // namespace hopelab
