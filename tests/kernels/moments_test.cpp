// Welford updates and Chan merges against a two-pass evaluation in long double.
#include <cmath>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include "kernels/moments.h"

namespace hopelab {
namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();

struct TwoPass {
  long double mean = 0, m2 = 0;
};

TwoPass two_pass(const std::vector<double>& x) {
  TwoPass r;
  for (double v : x) r.mean += v;
  r.mean /= x.size();
  for (double v : x) r.m2 += (v - r.mean) * (v - r.mean);
  return r;
}

// An offset sample: deviations O(1) around 1e3, so the condition number of the variance,
// kappa = sqrt(1 + n mean^2 / M2), is ~1.4e3 at n = 1e5.
constexpr double kOffset = 1e3;
std::vector<double> sample(size_t n) {
  std::vector<double> x;
  for (size_t i = 0; i < n; ++i) x.push_back(kOffset + std::sin(0.37 * double(i)) + 0.1 * std::cos(1.3 * double(i)));
  return x;
}

double condition_number(const std::vector<double>& x, long double m2) {
  const long double mean = two_pass(x).mean;
  return static_cast<double>(std::sqrt(1.0L + x.size() * mean * mean / m2));
}

// Error bounds (Chan, Golub & LeVeque 1983, updating algorithms): each update rounds the mean
// by at most eps |mean| (+ eps |delta| / n), so |mean error| <= n eps max|x|; M2's relative error
// is bounded by ~ n kappa eps. Both are worst-case linear accumulations.
double mean_bound(size_t n) { return double(n) * kEps * (kOffset + 2.0); }
double m2_bound(size_t n, double kappa, long double m2) { return double(n) * kappa * kEps * static_cast<double>(m2); }

TEST(Moments, WelfordMatchesTwoPass) {
  const std::vector<double> x = sample(100000);
  Moments m;
  for (double v : x) add(m, v);
  const TwoPass r = two_pass(x);
  EXPECT_EQ(m.n, 100000.0);
  EXPECT_NEAR(m.mean, static_cast<double>(r.mean), mean_bound(x.size()));
  EXPECT_NEAR(m.m2, static_cast<double>(r.m2), m2_bound(x.size(), condition_number(x, r.m2), r.m2));
}

TEST(Moments, ChanMergeOfAnySplitEqualsTheWhole) {
  const std::vector<double> x = sample(30000);
  const TwoPass r = two_pass(x);
  Moments whole;
  for (double v : x) add(whole, v);
  for (size_t cut : {size_t{1}, size_t{17}, size_t{15000}, size_t{29999}}) {
    Moments a, b;
    for (size_t i = 0; i < x.size(); ++i) add(i < cut ? a : b, x[i]);
    const Moments m = merge(a, b);
    EXPECT_EQ(m.n, whole.n);
    // Each side is within the bounds above of the exact moments: within twice of each other.
    EXPECT_NEAR(m.mean, whole.mean, 2 * mean_bound(x.size())) << cut;
    EXPECT_NEAR(m.m2, whole.m2, 2 * m2_bound(x.size(), condition_number(x, r.m2), r.m2)) << cut;
  }
}

TEST(Moments, MergeIsExactOnRepresentableHalves) {
  // {0, 2, 4, 6} (mean 3, M2 20) and {10, 12, 14, 16} (mean 13, M2 20): every step of the merge
  // is exact in binary, so mean 8 and M2 = 40 + 10^2 * 4 * 4 / 8 = 240 must come out exactly.
  const Moments a{4.0, 3.0, 20.0}, b{4.0, 13.0, 20.0};
  const Moments m = merge(a, b);
  EXPECT_EQ(m.n, 8.0);
  EXPECT_EQ(m.mean, 8.0);
  EXPECT_EQ(m.m2, 240.0);
}

TEST(Moments, EmptyIsTheIdentityOfMerge) {
  Moments a;
  add(a, 2.0);
  add(a, 4.0);
  const Moments empty;
  const Moments left = merge(empty, a), right = merge(a, empty);
  EXPECT_EQ(left.mean, 3.0);
  EXPECT_EQ(right.m2, 2.0);
  EXPECT_EQ(sample_variance(a), 2.0);
  EXPECT_EQ(standard_error(a), 1.0);
  EXPECT_EQ(standard_error(empty), 0.0);
}

}  // namespace
}  // namespace hopelab
