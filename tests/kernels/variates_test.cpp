// Normal and Student-t variates from counter-based draws, tested as distributions: moments
// within z standard errors and the Kolmogorov-Smirnov distance to the exact CDF (Boost.Math)
// within its critical value, at a Sidak-corrected family level. Every check has a twin fed a
// biased sample (shifted mean, scale error) that must fail, so the checks can fail.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <vector>

#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <gtest/gtest.h>

#include "kernels/fast_normal.h"
#include "kernels/normal.h"
#include "theory/sidak.h"

namespace hopelab {
namespace {

constexpr double kFamilyAlpha = 1e-6;  // chance that a correct generator fails this file
constexpr std::size_t kChecks = 16;    // checks sharing that level (Sidak)
constexpr std::uint64_t kSeed = 20251122;

double per_check_alpha() { return sidak_per_check_level(kFamilyAlpha, kChecks); }

// Two-sided normal critical value at the per-check level.
double z_critical() { return sidak_z(kFamilyAlpha, kChecks); }

// Asymptotic KS critical value sqrt(-ln(alpha/2) / 2) / sqrt(n) (Smirnov).
double ks_critical(size_t n) { return std::sqrt(-std::log(per_check_alpha() / 2.0) / 2.0) / std::sqrt(double(n)); }

double ks_distance(std::vector<double> x, const std::function<double(double)>& cdf) {
  std::sort(x.begin(), x.end());
  const double n = static_cast<double>(x.size());
  double d = 0.0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double f = cdf(x[i]);
    d = std::max({d, f - static_cast<double>(i) / n, static_cast<double>(i + 1) / n - f});
  }
  return d;
}

struct MomentCheck {
  bool mean_ok, variance_ok;
};

// N(0,1) moments: |mean| <= z SE with SE = 1/sqrt(n); |s^2 - 1| <= z sqrt(2/n) (normal fourth
// moment 3, so Var(s^2) = 2/n).
MomentCheck normal_moments(const std::vector<double>& x) {
  const double n = static_cast<double>(x.size());
  double sum = 0, sum2 = 0;
  for (double v : x) sum += v;
  const double mean = sum / n;
  for (double v : x) sum2 += (v - mean) * (v - mean);
  const double var = sum2 / (n - 1);
  return {std::fabs(mean) <= z_critical() / std::sqrt(n), std::fabs(var - 1.0) <= z_critical() * std::sqrt(2.0 / n)};
}

std::vector<double> normals(size_t pairs, std::uint32_t stream) {
  std::vector<double> x;
  for (std::uint64_t s = 0; s < pairs; ++s) {
    const VariatePair<double> z = normal_pair(kSeed, stream, s, 0);
    x.push_back(z.first);
    x.push_back(z.second);
  }
  return x;
}

double normal_cdf(double x) { return boost::math::cdf(boost::math::normal(), x); }

TEST(Variates, NormalMomentsAndDistribution) {
  const std::vector<double> x = normals(100000, 1);
  const MomentCheck m = normal_moments(x);
  EXPECT_TRUE(m.mean_ok);
  EXPECT_TRUE(m.variance_ok);
  const double d = ks_distance(x, normal_cdf);
  EXPECT_LE(d, ks_critical(x.size())) << "KS distance " << d;

  // Twins: the same checks on a shifted and on a scaled sample must fail.
  std::vector<double> shifted = x, scaled = x;
  for (double& v : shifted) v += 10.0 / std::sqrt(double(x.size()));  // mean off by 10 SE
  for (double& v : scaled) v *= 1.05;
  EXPECT_FALSE(normal_moments(shifted).mean_ok);
  EXPECT_FALSE(normal_moments(scaled).variance_ok);
  EXPECT_GT(ks_distance(scaled, normal_cdf), ks_critical(x.size()));
}

TEST(Variates, NormalPairIsUncorrelated) {
  // |r| <= z / sqrt(n) for independent components (r's standard error is 1/sqrt(n)).
  const size_t n = 100000;
  double sxy = 0;
  for (std::uint64_t s = 0; s < n; ++s) {
    const VariatePair<double> z = normal_pair(kSeed, 2, s, 7);
    sxy += z.first * z.second;
  }
  EXPECT_LE(std::fabs(sxy / n), z_critical() / std::sqrt(double(n)));
}

TEST(Variates, FloatBoxMullerFromFloatUniforms) {
  std::vector<double> x;
  for (std::uint64_t s = 0; s < 50000; ++s) {
    const RandomBlock b = philox_block(kSeed, 3, s, 0);
    const VariatePair<float> z0 = box_muller(uniform_float(b.word[0]), uniform_float(b.word[1]));
    const VariatePair<float> z1 = box_muller(uniform_float(b.word[2]), uniform_float(b.word[3]));
    x.insert(x.end(), {z0.first, z0.second, z1.first, z1.second});
  }
  const MomentCheck m = normal_moments(x);
  EXPECT_TRUE(m.mean_ok);
  EXPECT_TRUE(m.variance_ok);
  EXPECT_LE(ks_distance(x, normal_cdf), ks_critical(x.size()));
}

// The vectorised float normals (kernels/fast_normal.h), 4 per block, 16 per sample over
// 2.5e5 samples: moments, KS distance, and the correlation of neighbours within a block (the
// pairs share no word, the two normals of a pair are independent by Box-Muller), with twins.
TEST(Variates, FastNormalsMomentsDistributionAndIndependence) {
  std::vector<double> x;
  double within_pair = 0, across_pairs = 0;
  float z[16];
  const std::uint64_t samples = 250000;
  for (std::uint64_t s = 0; s < samples; ++s) {
    fast_normals(kSeed, 5, s, 16, z);
    x.insert(x.end(), z, z + 16);
    within_pair += static_cast<double>(z[0]) * z[1];
    across_pairs += static_cast<double>(z[1]) * z[2];
  }
  const MomentCheck m = normal_moments(x);
  EXPECT_TRUE(m.mean_ok);
  EXPECT_TRUE(m.variance_ok);
  const double d = ks_distance(x, normal_cdf);
  EXPECT_LE(d, ks_critical(x.size())) << "KS distance " << d;
  // |r| <= z / sqrt(n) for independent components (r's standard error 1/sqrt(n)).
  EXPECT_LE(std::fabs(within_pair / samples), z_critical() / std::sqrt(double(samples)));
  EXPECT_LE(std::fabs(across_pairs / samples), z_critical() / std::sqrt(double(samples)));
  // Twins: a 2 % scale error fails the KS check; a pair whose second normal repeats the first
  // fails the correlation check.
  std::vector<double> scaled = x;
  for (double& v : scaled) v *= 1.02;
  EXPECT_GT(ks_distance(scaled, normal_cdf), ks_critical(x.size()));
  double repeated = 0;
  for (std::size_t i = 0; i < samples; ++i) repeated += x[16 * i] * x[16 * i];
  EXPECT_GT(std::fabs(repeated / samples), z_critical() / std::sqrt(double(samples)));
}

TEST(Variates, StudentTMatchesItsCdf) {
  for (double nu : {1.0, 3.0, 5.5, 30.0}) {
    std::vector<double> x;
    for (std::uint64_t s = 0; s < 100000; ++s) x.push_back(student_t(nu, kSeed, 4, s, 0));
    const boost::math::students_t dist(nu);
    const auto cdf = [&](double v) { return boost::math::cdf(dist, v); };
    const double d = ks_distance(x, cdf);
    EXPECT_LE(d, ks_critical(x.size())) << "nu=" << nu << " KS distance " << d;
    // Twin: a 10% scale error must be detected (the heavy-tailed Cauchy, nu = 1, hides 5%:
    // max |F(1.05 x) - F(x)| = 0.008 is below the 0.009 critical distance at n = 1e5).
    std::vector<double> scaled = x;
    for (double& v : scaled) v *= 1.10;
    EXPECT_GT(ks_distance(scaled, cdf), ks_critical(x.size())) << "nu=" << nu;
  }
}

TEST(Variates, UniformsAreInTheHalfOpenUnitInterval) {
  EXPECT_EQ(uniform_double(0, 0), 0x1.0p-53);
  EXPECT_EQ(uniform_double(0xffffffffu, 0xffffffffu), 1.0);
  EXPECT_EQ(uniform_float(0), 0x1.0p-24f);
  EXPECT_EQ(uniform_float(0xffffffffu), 1.0f);
}

TEST(Variates, CountersSeparateSamplesDrawsAndStreams) {
  const RandomBlock a = philox_block(kSeed, 0, 5, 0);
  const RandomBlock same = philox_block(kSeed, 0, 5, 0);
  EXPECT_EQ(a.word[0], same.word[0]);  // a pure function of (seed, stream, sample, draw)
  for (const RandomBlock& other : {philox_block(kSeed, 1, 5, 0), philox_block(kSeed, 0, 6, 0),
                                   philox_block(kSeed, 0, 5, 1), philox_block(kSeed + 1, 0, 5, 0),
                                   philox_block(kSeed, 0, 5 + (std::uint64_t{1} << 32), 0)}) {
    EXPECT_NE(a.word[0], other.word[0]);
  }
}

}  // namespace
}  // namespace hopelab
