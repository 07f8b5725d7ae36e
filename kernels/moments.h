#pragma once
// Running mean and co-moments: Welford's update (Welford 1962) for one observation, and Chan,
// Golub & LeVeque's merge (1979) for two partial results, so that accumulators from threads,
// chunks or shards combine into the single-pass answer without cancellation. For a vector
// observation x (m) with running (n, mean (m), co-moment matrix M (m x m)):
//   add:   n' = n + 1, delta = x - mean, mean' = mean + delta / n', M' = M + delta (x - mean')^T
//   merge: n = na + nb, delta = mean_b - mean_a, mean = mean_a + delta nb / n,
//          M = M_a + M_b + delta delta^T na nb / n
// The scalar Moments below is the m = 1 case of the same functions. The raw accumulators
// (n, mean, M) are what results store, so they can be merged later.

#include <cmath>

#include "theory/host_device.h"

namespace hopelab {

// Welford: fold x into (n, mean, comoment). mean, x, delta: (m); comoment: (m, m) row-major;
// delta is scratch.
HOPELAB_HD inline void welford_add(double& n, double* mean, double* comoment, const double* x, double* delta, int m) {
  n += 1.0;
  for (int a = 0; a < m; ++a) {
    delta[a] = x[a] - mean[a];
    mean[a] += delta[a] / n;
  }
  for (int a = 0; a < m; ++a) {
    for (int b = 0; b < m; ++b) comoment[a * m + b] += delta[a] * (x[b] - mean[b]);
  }
}

// Chan: fold (nb, mean_b, comoment_b) into (n, mean, comoment). Shapes as in welford_add.
HOPELAB_HD inline void chan_merge(double& n, double* mean, double* comoment, double nb, const double* mean_b,
                                  const double* comoment_b, double* delta, int m) {
  if (nb == 0.0) return;
  const double total = n + nb;
  const double weight = n * nb / total;
  for (int a = 0; a < m; ++a) {
    delta[a] = mean_b[a] - mean[a];
    mean[a] += delta[a] * (nb / total);
  }
  for (int a = 0; a < m; ++a) {
    for (int b = 0; b < m; ++b) comoment[a * m + b] += comoment_b[a * m + b] + delta[a] * delta[b] * weight;
  }
  n = total;
}

struct Moments {
  double n = 0.0;  // count (a double so device merges need no 64-bit integer atomics)
  double mean = 0.0;
  double m2 = 0.0;  // sum of squared deviations from the mean
};

HOPELAB_HD inline void add(Moments& m, double x) {
  double delta;
  welford_add(m.n, &m.mean, &m.m2, &x, &delta, 1);
}

HOPELAB_HD inline Moments merge(const Moments& a, const Moments& b) {
  Moments out = a;
  double delta;
  chan_merge(out.n, &out.mean, &out.m2, b.n, &b.mean, &b.m2, &delta, 1);
  return out;
}

// Unbiased sample variance m2 / (n - 1); 0 for n < 2.
HOPELAB_HD inline double sample_variance(const Moments& m) { return m.n > 1.0 ? m.m2 / (m.n - 1.0) : 0.0; }

// Standard error of the mean, sqrt(s^2 / n); 0 for n < 2.
HOPELAB_HD inline double standard_error(const Moments& m) {
  return m.n > 1.0 ? ::sqrt(sample_variance(m) / m.n) : 0.0;
}

}  // namespace hopelab
