#pragma once
// Statistics of counts: the Wilson score interval of a proportion (an accuracy in a V-NIAH
// cell) and the exact two-sided sign test of paired differences (one method against another on
// the same seeds).
//   Wilson: the p with |k/n - p| <= z sqrt(p (1 - p) / n), that is
//     centre = (k/n + z^2 / (2n)) / (1 + z^2 / n),
//     half   = z / (1 + z^2 / n) sqrt(k/n (1 - k/n) / n + z^2 / (4 n^2)).
//   Sign test: k of n non-zero differences positive, under H0 k ~ Binomial(n, 1/2):
//     two-sided p = min(1, 2 P(X <= min(k, n - k))), one-sided (H1: positive) p = P(X >= k).

#include <cstdint>

namespace hopelab {

// The standard normal's two-sided 95 % quantile, Phi^-1(0.975).
inline constexpr double kZ95 = 1.959963984540054;

struct ProportionInterval {
  double low = 0.0, high = 1.0;
};

// Throws InputError unless 0 <= successes <= trials and z > 0; 0 trials give [0, 1].
ProportionInterval wilson_interval(std::int64_t successes, std::int64_t trials, double z = kZ95);

// Throws InputError unless 0 <= positives <= trials <= 10^6; 0 trials give 1.
double sign_test_p(std::int64_t positives, std::int64_t trials);
// The one-sided p of "positive differences prevail"; same throws. 5 of 5 give 1/32.
double sign_test_greater_p(std::int64_t positives, std::int64_t trials);

}  // namespace hopelab
