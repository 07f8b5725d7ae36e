// Monte Carlo win probability (sim/win_probability.h): equal to a per-sample brute force with
// explicit long double rotations; offset-independent when every pair has zero frequency;
// identical for 1 and 2 threads; consistent with the expected preference's sign at large d.
#include <cmath>
#include <vector>

#include <gtest/gtest.h>
#include <omp.h>

#include "brute_force.h"
#include "sim/win_probability.h"
#include "theory/input_error.h"

namespace hopelab {
namespace {

TEST(WinProbability, EqualsBruteForceCount) {
  MethodOptions o;
  o.spectrum = {8, 100.0};
  const Method method = make_method("videorope", o);
  PreferenceSampling cfg;
  cfg.seed = 4;
  cfg.samples = 700;
  cfg.eps = 1.5;
  const std::vector<Offset3> offsets = {{0, 0, 0}, {2, 2, 2}, {31, -5, 8}, {1e5, 1e5, 1e5}};
  const std::vector<WinEstimate> got = estimate_win_probability(method, cfg, offsets);
  for (size_t j = 0; j < offsets.size(); ++j) {
    std::int64_t wins = 0;
    long double closest = 1e300L;  // smallest |statistic|: a tie within rounding would make counts differ
    for (std::int64_t s = 0; s < cfg.samples; ++s) {
      const BruteForceSample x = draw_gaussian_sample(cfg, s, 8);
      const long double stat =
          brute_force_score(x.q, x.k_star, method, offsets[j]) - brute_force_score(x.q, x.k, method, offsets[j]);
      wins += stat > 0;
      closest = std::min(closest, std::fabs(stat));
    }
    ASSERT_GT(closest, 1e-9L) << "a sample sits within rounding of a tie; pick another seed";
    // Exact: counts of the same samples, no sample near the decision boundary.
    EXPECT_EQ(got[j].probability, static_cast<double>(wins) / static_cast<double>(cfg.samples)) << "offset " << j;
    EXPECT_EQ(got[j].n, 700.0);
    const double p = got[j].probability;
    EXPECT_DOUBLE_EQ(got[j].standard_error, std::sqrt(p * (1 - p) / 700.0));
  }
}

TEST(WinProbability, ZeroFrequenciesMakeItIndependentOfTheOffset) {
  MethodOptions o;
  o.spectrum = {16, 1e4};
  o.custom_allocation = "t:0-7;zero:0-7";
  const Method method = make_method("custom", o);
  PreferenceSampling cfg;
  cfg.seed = 8;
  cfg.samples = 2000;
  const std::vector<WinEstimate> got =
      estimate_win_probability(method, cfg, {{0, 0, 0}, {1, 0, 0}, {12345, 0, 0}, {1e9, 3, 4}});
  for (size_t j = 1; j < got.size(); ++j) EXPECT_EQ(got[j].probability, got[0].probability) << j;
  EXPECT_GT(got[0].probability, 0.5);  // a similar key wins more often than not when nothing rotates
}

TEST(WinProbability, FollowsTheSignOfTheExpectedPreferenceAtLargeHeadDim) {
  // At d = 128 the statistic is a sum of 64 pair terms, close to normal with spread ~16 at
  // sigma = 1: where the closed form D is far from 0 the win probability lies on its side of 1/2.
  // Base 100 gives strongly negative D within a few thousand positions; take the most negative
  // and the most positive (m >= 1) distances below 3000.
  MethodOptions o;
  o.spectrum.base = 100.0;
  const Method method = make_method("vanilla", o);
  double most_negative = 0, most_positive = 0, d_neg = 1e300, d_pos = -1e300;
  for (int m = 1; m < 3000; ++m) {
    const double d = expected_preference(method, {double(m), double(m), double(m)}, 1.0).total;
    if (d < d_neg) d_neg = d, most_negative = m;
    if (d > d_pos) d_pos = d, most_positive = m;
  }
  ASSERT_LT(d_neg, -10.0);
  ASSERT_GT(d_pos, 10.0);
  PreferenceSampling cfg;
  cfg.seed = 10;
  cfg.samples = 4000;
  const std::vector<WinEstimate> got = estimate_win_probability(
      method, cfg, {{0, 0, 0}, {most_negative, most_negative, most_negative}, {most_positive, most_positive, most_positive}});
  EXPECT_GT(got[0].probability, 0.9);  // D(0) = 128
  EXPECT_LT(got[1].probability, 0.5) << "D = " << d_neg;
  EXPECT_GT(got[2].probability, 0.5) << "D = " << d_pos;
}

TEST(WinProbability, IdenticalForOneAndTwoThreadsAndRejectsBadInput) {
  const Method method = make_method("hope");
  PreferenceSampling cfg;
  cfg.samples = 3000;
  const std::vector<Offset3> offsets = {{5, 5, 5}, {7000, 7000, 7000}};
  omp_set_num_threads(1);
  const std::vector<WinEstimate> one = estimate_win_probability(method, cfg, offsets);
  omp_set_num_threads(2);
  const std::vector<WinEstimate> two = estimate_win_probability(method, cfg, offsets);
  for (size_t j = 0; j < offsets.size(); ++j) EXPECT_EQ(one[j].probability, two[j].probability);
  cfg.samples = 1;
  EXPECT_THROW(estimate_win_probability(method, cfg, offsets), InputError);
}

}  // namespace
}  // namespace hopelab
