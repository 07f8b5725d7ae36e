#pragma once
// Running mean and variance: Welford's update (Welford 1962) for one value, and Chan, Golub &
// LeVeque's merge (1979) for two partial results, so that accumulators from threads, blocks,
// or shards combine into the single-pass answer without cancellation.
//   add:   n' = n + 1, delta = x - mean, mean' = mean + delta / n', m2' = m2 + delta (x - mean')
//   merge: n = na + nb, delta = mean_b - mean_a, mean = mean_a + delta nb / n,
//          m2 = m2_a + m2_b + delta^2 na nb / n
// Stores the raw accumulators (n, mean, m2) so results can be merged later.

#include <cmath>
#include <cstdint>

#include "theory/host_device.h"

namespace hopelab {

struct Moments {
  double n = 0.0;  // count (a double so device merges need no 64-bit integer atomics)
  double mean = 0.0;
  double m2 = 0.0;  // sum of squared deviations from the mean
};

HOPELAB_HD inline void add(Moments& m, double x) {
  m.n += 1.0;
  const double delta = x - m.mean;
  m.mean += delta / m.n;
  m.m2 += delta * (x - m.mean);
}

HOPELAB_HD inline Moments merge(const Moments& a, const Moments& b) {
  if (a.n == 0.0) return b;
  if (b.n == 0.0) return a;
  const double n = a.n + b.n;
  const double delta = b.mean - a.mean;
  return {n, a.mean + delta * (b.n / n), a.m2 + b.m2 + delta * delta * (a.n * b.n / n)};
}

// Unbiased sample variance m2 / (n - 1); 0 for n < 2.
HOPELAB_HD inline double sample_variance(const Moments& m) { return m.n > 1.0 ? m.m2 / (m.n - 1.0) : 0.0; }

// Standard error of the mean, sqrt(s^2 / n); 0 for n < 2.
HOPELAB_HD inline double standard_error(const Moments& m) {
  return m.n > 1.0 ? ::sqrt(sample_variance(m) / m.n) : 0.0;
}

}  // namespace hopelab
