// Monte Carlo win probability (sim/win_probability.h): equal to a per-sample brute force with
// explicit long double rotations; in float, certified by a long double reference with the
// float sum's rounding bound; across several sample blocks, chunks and offset panels;
// offset-independent when every pair has zero frequency; identical for 1 and 2 threads;
// consistent with the expected preference's sign at large d.
#include <cmath>
#include <limits>
#include <vector>

#include <gtest/gtest.h>
#include <omp.h>

#include "brute_force.h"
#include "sim/win_probability.h"
#include "theory/input_error.h"

namespace hopelab {
namespace {

// Both normal precisions: the engine's vectorised float normals are the documented scalar ones.
class WinProbabilityNormals : public ::testing::TestWithParam<NormalPrecision> {};

TEST_P(WinProbabilityNormals, EqualsBruteForceCount) {
  MethodOptions o;
  o.spectrum = {8, 100.0};
  const Method method = make_method("videorope", o);
  PreferenceSampling cfg;
  cfg.seed = 4;
  cfg.samples = 700;
  cfg.eps = 1.5;
  cfg.normals = GetParam();
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
  // Twin: the other precision's normals are other numbers, so some count differs.
  PreferenceSampling other = cfg;
  other.normals = cfg.normals == NormalPrecision::fp32 ? NormalPrecision::fp64 : NormalPrecision::fp32;
  const std::vector<WinEstimate> moved = estimate_win_probability(method, other, offsets);
  bool differs = false;
  for (size_t j = 0; j < offsets.size(); ++j) differs = differs || moved[j].probability != got[j].probability;
  EXPECT_TRUE(differs);
}

INSTANTIATE_TEST_SUITE_P(Precisions, WinProbabilityNormals,
                         ::testing::Values(NormalPrecision::fp64, NormalPrecision::fp32));

// Reference scores for many samples x offsets without per-score trigonometry: pair products of
// the brute-force draws and rotation weights, both in long double from their definitions
// (score = sum_i C_i cos phi_i + S_i sin phi_i, C_i = q_a v_a + q_b v_b, S_i = q_a v_b - q_b v_a,
// v = k* - k), plus sum_k |x_k w_k| for rounding bounds.
struct ReferenceScores {
  std::vector<long double> score, magnitude;  // (N, M) row-major
};

ReferenceScores reference_scores(const Method& method, const PreferenceSampling& cfg,
                                 const std::vector<std::vector<long double>>& weights) {
  const int d = method.spectrum.head_dim, pairs = d / 2;
  const bool halves = method.allocation.layout == PairLayout::halves;
  ReferenceScores out;
  for (std::int64_t s = 0; s < cfg.samples; ++s) {
    const BruteForceSample draw = draw_gaussian_sample(cfg, s, d);
    std::vector<long double> x(static_cast<size_t>(d));
    for (int i = 0; i < pairs; ++i) {
      const auto a = static_cast<size_t>(halves ? i : 2 * i), b = static_cast<size_t>(halves ? i + pairs : 2 * i + 1);
      const long double va = draw.k_star[a] - draw.k[a], vb = draw.k_star[b] - draw.k[b];
      x[static_cast<size_t>(i)] = draw.q[a] * va + draw.q[b] * vb;
      x[static_cast<size_t>(pairs + i)] = draw.q[a] * vb - draw.q[b] * va;
    }
    for (const std::vector<long double>& w : weights) {
      long double score = 0, magnitude = 0;
      for (size_t k = 0; k < x.size(); ++k) {
        score += x[k] * w[k];
        magnitude += std::fabs(x[k] * w[k]);
      }
      out.score.push_back(score);
      out.magnitude.push_back(magnitude);
    }
  }
  return out;
}

// (cos phi_i, sin phi_i) with phi_i = Delta_axis(i) * theta_i in long double, theta by powl.
std::vector<long double> exact_weights(const Method& method, const Offset3& o) {
  const int d = method.spectrum.head_dim, pairs = d / 2;
  std::vector<long double> w(static_cast<size_t>(d));
  for (int i = 0; i < pairs; ++i) {
    const auto k = static_cast<size_t>(i);
    const Axis axis = method.allocation.axis[k];
    const long double delta = axis == Axis::t ? o.t : axis == Axis::h ? o.h : o.w;
    const long double theta = method.allocation.zero[k] ? 0.0L : std::pow(static_cast<long double>(method.spectrum.base), -2.0L * i / d);
    w[k] = std::cos(delta * theta);
    w[k + static_cast<size_t>(pairs)] = std::sin(delta * theta);
  }
  return w;
}

TEST(WinProbability, SpansSeveralBlocksChunksAndPanels) {
  // 2^15 + 37 samples: two sample blocks, the second a partial tile; 300 offsets: two panels of
  // the host tiling, the last tile padded. Every count equals the reference's where no score
  // lies within 1e-9 of 0 (double sums of 8 terms of size ~10 are off by ~1e-14).
  MethodOptions o;
  o.spectrum = {8, 1e4};
  const Method method = make_method("mrope", o);
  PreferenceSampling cfg;
  cfg.seed = 21;
  cfg.samples = (1 << 15) + 37;
  std::vector<Offset3> offsets;
  std::vector<std::vector<long double>> weights;
  for (int j = 0; j < 300; ++j) {
    offsets.push_back({37.0 * j, -3.0 * j, 0.5 * j});
    weights.push_back(exact_weights(method, offsets.back()));
  }
  const std::vector<WinEstimate> got = estimate_win_probability(method, cfg, offsets);
  const ReferenceScores ref = reference_scores(method, cfg, weights);
  for (size_t j = 0; j < offsets.size(); ++j) {
    std::int64_t wins = 0, near_ties = 0;
    for (std::int64_t s = 0; s < cfg.samples; ++s) {
      const long double score = ref.score[static_cast<size_t>(s) * offsets.size() + j];
      wins += score > 0;
      near_ties += std::fabs(score) < 1e-9L;
    }
    ASSERT_EQ(near_ties, 0) << "offset " << j << ": pick another seed";
    EXPECT_EQ(got[j].probability * got[j].n, static_cast<double>(wins)) << "offset " << j;
  }
}

TEST(WinProbability, Fp32CountsAreCertifiedByTheFloatRoundingBound) {
  // fp32: phases in float, x_s rounded to float, the dot product summed in float. Against
  // long double scores over the same float weights, a score s with reference |s| > B is
  // decided, B = (u + gamma_2P (1 + u)) sum_k |x_k w_k| + 1e-12 (x's rounding to float, the
  // float sum, and the double draw's own error), u = 2^-24. So for each offset
  // #{s > B} <= wins <= #{s > -B}, and the interval is narrow.
  MethodOptions o;
  o.spectrum = {64, 1e6};
  const Method method = make_method("videorope", o);
  PreferenceSampling cfg;
  cfg.seed = 5;
  cfg.samples = 3000;
  const std::vector<Offset3> offsets = {{0, 0, 0}, {3, 3, 3}, {700, -20, 9}, {3e6, 3e6, 3e6}, {2e7, 5, 5}};
  const std::vector<double> theta = rope_frequencies(method.spectrum);
  std::vector<std::vector<long double>> weights;
  for (const Offset3& offset : offsets) {
    std::vector<double> w(static_cast<size_t>(method.spectrum.head_dim));
    rotation_weights(method, theta, offset, PhasePrecision::fp32, w.data());
    weights.emplace_back(w.begin(), w.end());
  }
  const std::vector<WinEstimate> got = estimate_win_probability(method, cfg, offsets, PhasePrecision::fp32);
  const ReferenceScores ref = reference_scores(method, cfg, weights);
  const long double u = std::numeric_limits<float>::epsilon() / 2.0L;
  const long double two_p = method.spectrum.head_dim;
  const long double gamma = two_p * u / (1 - two_p * u);
  for (size_t j = 0; j < offsets.size(); ++j) {
    std::int64_t sure = 0, possible = 0;
    for (std::int64_t s = 0; s < cfg.samples; ++s) {
      const size_t at = static_cast<size_t>(s) * offsets.size() + j;
      const long double bound = (u + gamma * (1 + u)) * ref.magnitude[at] + 1e-12L;
      sure += ref.score[at] > bound;
      possible += ref.score[at] > -bound;
    }
    const double wins = got[j].probability * got[j].n;
    EXPECT_GE(wins, static_cast<double>(sure)) << "offset " << j;
    EXPECT_LE(wins, static_cast<double>(possible)) << "offset " << j;
    EXPECT_LE(possible - sure, 3) << "offset " << j << ": the bound decides almost every sample";
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
  omp_set_num_threads(1);
  const std::vector<WinEstimate> one32 = estimate_win_probability(method, cfg, offsets, PhasePrecision::fp32);
  omp_set_num_threads(2);
  const std::vector<WinEstimate> two32 = estimate_win_probability(method, cfg, offsets, PhasePrecision::fp32);
  for (size_t j = 0; j < offsets.size(); ++j) EXPECT_EQ(one32[j].probability, two32[j].probability);
  cfg.samples = 1;
  EXPECT_THROW(estimate_win_probability(method, cfg, offsets), InputError);
}

}  // namespace
}  // namespace hopelab
