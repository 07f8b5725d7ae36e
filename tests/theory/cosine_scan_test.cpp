// theory/cosine_scan.h: the rotating-phasor scan against one long double cosine per pair and
// step, within a tolerance derived in cosine_scan_tolerance.h (not scan_rounding_bound); a twin
// with frequencies off by 1e-12 relative that the tolerance must reject; scan_rounding_bound no
// smaller than the derived bound; the stop at the first negative sum.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "cosine_scan_tolerance.h"
#include "theory/cosine_scan.h"

#include "../worst_element.h"

namespace hopelab {
namespace {

// Every m = first..last: scanned S(m) against sum_i w_i cosl(m reference_omega_i) within
// `tolerance`; the index of the worst element is m.
test::WorstElement worst_error(const std::vector<double>& omega, const std::vector<long double>& reference_omega,
                               const std::vector<double>& weight, std::int64_t first, std::int64_t last,
                               double tolerance) {
  test::WorstElement w;
  scan_cosine_sums(omega, weight, first, last, [&](std::int64_t m, double scanned) {
    long double direct = 0;
    for (std::size_t i = 0; i < omega.size(); ++i) {
      direct += weight[i] * std::cos(static_cast<long double>(m) * reference_omega[i]);
    }
    w.consider(m, direct, scanned, tolerance);
    return true;
  });
  return w;
}

TEST(CosineScan, AgreesWithDirectCosinesWithinTheDerivedTolerance) {
  // High and low frequencies over 20 resync blocks, starting off a block boundary (first = 1)
  // as first violations do; then far out (m ~ 1e7, phases ~ 1e7) where (a) dominates.
  const std::vector<double> omega = {1.0, 0.3183, 2.5e-3, 1e-6, 3.0, 0.7853981633974483};
  const std::vector<double> weight = {1.0, 2.0, 0.5, 1.5, 0.25, 2.0};
  const std::vector<long double> same(omega.begin(), omega.end());
  for (const std::int64_t first : {std::int64_t{1}, std::int64_t{9999000}}) {
    const std::int64_t last = first + 20 * kResyncSteps - 1;
    const double tolerance = scan_test::scan_tolerance(omega, weight, last, kResyncSteps);  // derivation: cosine_scan_tolerance.h
    const test::WorstElement w = worst_error(omega, same, weight, first, last, tolerance);
    EXPECT_EQ(static_cast<std::int64_t>(w.considered), last - first + 1);
    EXPECT_TRUE(w.ok()) << "first = " << first << ", index = m: " << w.message();
  }
}

TEST(CosineScan, TwinWithFrequenciesOffByOnePartInATrillionIsRejected) {
  // omega (1 + 1e-12) moves the phase by 1e-12 m omega ~ 1e-8 at m = 1e4, omega = 1: far above
  // the tolerance (~1e-12 sum w), so the comparison can fail.
  const std::vector<double> omega = {1.0, 0.3183, 2.5e-3};
  const std::vector<double> weight = {1.0, 2.0, 0.5};
  std::vector<long double> shifted;
  for (double o : omega) shifted.push_back(static_cast<long double>(o) * (1 + 1e-12L));
  const std::int64_t last = 20 * kResyncSteps;
  const double tolerance = scan_test::scan_tolerance(omega, weight, last, kResyncSteps);
  const test::WorstElement w = worst_error(omega, shifted, weight, 1, last, tolerance);
  EXPECT_GT(w.error, tolerance) << w.message();
}

TEST(CosineScan, ItsRoundingBoundIsNoSmallerThanTheDerivedOne) {
  // first_violation trusts scan_rounding_bound as a margin: it must cover (a) to (d).
  for (const std::int64_t last : {std::int64_t{1}, std::int64_t{10000}, std::int64_t{10000000}}) {
    for (std::size_t pairs : {1, 16, 64}) {
      std::vector<double> omega, weight;
      for (std::size_t i = 0; i < pairs; ++i) {
        omega.push_back(std::pow(1e6, -static_cast<double>(i) / static_cast<double>(pairs)));
        weight.push_back(1.0 + static_cast<double>(i % 3));
      }
      EXPECT_GE(scan_rounding_bound(omega, weight, last), scan_test::scan_error_bound(omega, weight, last, kResyncSteps))
          << "last " << last << ", " << pairs << " pairs";
    }
  }
}

TEST(CosineScan, StopsAtTheFirstNegativeSum) {
  // S(m) = cos(m pi/3) + 0.4: negative first at m = 2 (cos(2 pi/3) = -0.5).
  const ScanResult r = scan_first_negative({M_PI / 3, 0.0}, {1.0, 0.4}, 1, 100);
  ASSERT_TRUE(r.first_negative);
  EXPECT_EQ(*r.first_negative, 2);
  EXPECT_NEAR(r.value, -0.1, 1e-12);
  EXPECT_FALSE(scan_first_negative({M_PI / 3, 0.0}, {1.0, 1.01}, 1, 100).first_negative);  // min is 0.01
}

}  // namespace
}  // namespace hopelab
