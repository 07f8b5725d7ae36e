// Monte Carlo expected preference (sim/preference_estimator.h):
//   - the sufficient-statistics estimator equals a brute-force per-sample, per-offset
//     evaluation (explicit rotations in long double) on a small case;
//   - it agrees with the closed form within z SE at a Sidak-corrected level for every method at
//     short and long distances, and a twin shifted by 10 SE fails;
//   - results are bitwise identical for 1 and 2 threads, and for chunk ranges accumulated
//     apart (as by other processes) and merged in chunk order.
#include <cmath>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <omp.h>

#include "kernels/normal.h"
#include "brute_force.h"
#include "sim/preference_estimator.h"
#include "theory/input_error.h"
#include "theory/sidak.h"

namespace hopelab {
namespace {

TEST(PreferenceEstimator, SufficientStatisticsEqualBruteForce) {
  for (PairLayout layout : {PairLayout::halves, PairLayout::adjacent}) {
    MethodOptions o;
    o.spectrum = {8, 100.0};
    o.layout = layout;
    const Method method = make_method("mrope", o);
    PreferenceSampling cfg;
    cfg.seed = 11;
    cfg.samples = 300;  // more than the chunk count, with a ragged last chunk
    cfg.mu = 0.3;
    cfg.sigma = 1.7;
    cfg.eps = 0.4;
    const std::vector<Offset3> offsets = {{0, 0, 0}, {3, -2, 5}, {1000, 7, 1}, {-4.5, 0.25, 2e6}};
    const std::vector<PreferenceEstimate> got = estimate_preference(method, accumulate_pair_products(method, cfg), offsets);
    for (size_t j = 0; j < offsets.size(); ++j) {
      // Per sample: q, k, xi from the documented streams and draws; statistic = score(k*) - score(k).
      long double sum = 0, sum2 = 0;
      for (std::int64_t s = 0; s < cfg.samples; ++s) {
        const BruteForceSample sample = draw_gaussian_sample(cfg, s, 8);
        const auto& q = sample.q;
        const auto& k = sample.k;
        const auto& ks = sample.k_star;
        const long double x = brute_force_score(q, ks, method, offsets[j]) - brute_force_score(q, k, method, offsets[j]);
        sum += x;
        sum2 += x * x;
      }
      const long double n = cfg.samples, mean = sum / n;
      const long double se = std::sqrt((sum2 - n * mean * mean) / (n - 1) / n);
      // Values are O(10); double rounding of the accumulators and phases (|phi| <= 2e6 gives
      // ~2e6 * 1e-16 rad) keeps both within 1e-9 of the long double evaluation.
      EXPECT_NEAR(got[j].mean, static_cast<double>(mean), 1e-9) << pair_layout_name(layout) << " offset " << j;
      EXPECT_NEAR(got[j].standard_error, static_cast<double>(se), 1e-9) << pair_layout_name(layout) << " offset " << j;
      EXPECT_EQ(got[j].n, 300.0);
    }
  }
}

TEST(PreferenceEstimator, AgreesWithClosedFormAndItsShiftedTwinFails) {
  const std::vector<std::string> methods = {"vanilla", "mrope", "mrope-interleave", "videorope", "hope", "hope-x",
                                            "p-rope"};
  const std::vector<Offset3> offsets = {{0, 0, 0}, {1, 1, 1}, {16, 0, 0}, {100, 3, -7}, {27115, 27115, 27115},
                                        {1e5, 0, 0}, {3e6, 2e6, 1e6}, {1e7, 1e7, 1e7}};
  const int checks = static_cast<int>(methods.size() * offsets.size());
  const double z = sidak_z(1e-6, checks);  // a correct estimator fails this test with probability 1e-6
  int twin_failures = 0;
  for (const std::string& name : methods) {
    const Method method = make_method(name);
    PreferenceSampling cfg;
    cfg.seed = 2026;
    cfg.samples = 4000;
    cfg.sigma = 0.8;
    cfg.mu = 0.5;  // a common mean drops out of the expectation
    const std::vector<PreferenceEstimate> got = estimate_preference(method, accumulate_pair_products(method, cfg), offsets);
    for (size_t j = 0; j < offsets.size(); ++j) {
      const double theory = expected_preference(method, offsets[j], cfg.sigma).total;
      const double err = std::fabs(got[j].mean - theory);
      EXPECT_LE(err, z * got[j].standard_error)
          << name << " offset " << j << ": mean " << got[j].mean << " theory " << theory << " SE "
          << got[j].standard_error << " z " << z;
      twin_failures += std::fabs(got[j].mean - (theory + 10.0 * got[j].standard_error)) > z * got[j].standard_error;
    }
  }
  EXPECT_EQ(twin_failures, checks) << "a theory shifted by 10 SE must be rejected at every check";
}

TEST(PreferenceEstimator, HeavyTailsAndPerDimensionScalesFollowThePerDimensionClosedForm) {
  // Student-t(6) components (finite fourth moment, so the SE is meaningful) with per-dimension
  // scales: the closed form uses only the variances (docs/theory.md), w_i = s2[a_i] + s2[b_i].
  const std::vector<Offset3> offsets = {{0, 0, 0}, {5, 1, 2}, {300, 300, 300}, {1e6, 0, 0}};
  const int checks = 2 * static_cast<int>(offsets.size());
  const double z = sidak_z(1e-6, checks);
  for (const char* name : {"mrope", "hope"}) {
    const Method method = make_method(name);
    PreferenceSampling cfg;
    cfg.seed = 99;
    cfg.samples = 6000;
    cfg.law = ComponentLaw::student_t;
    cfg.nu = 6.0;
    for (int j = 0; j < 128; ++j) cfg.scales.push_back(0.5 + 0.01 * j);
    const std::vector<double> weights = pair_weights(method, component_variances(cfg, 128));
    const auto mc = estimate_preference(method, accumulate_pair_products(method, cfg), offsets);
    for (size_t j = 0; j < offsets.size(); ++j) {
      const double theory = expected_preference(method, offsets[j], weights).total;
      EXPECT_LE(std::fabs(mc[j].mean - theory), z * mc[j].standard_error)
          << name << " offset " << j << " mean " << mc[j].mean << " theory " << theory;
      EXPECT_GT(std::fabs(mc[j].mean - (theory + 10 * mc[j].standard_error)), z * mc[j].standard_error);
      // The i.i.d. sigma = 1 closed form is a different number here: the check can tell them apart.
      if (j == 0) {
        EXPECT_GT(std::fabs(mc[j].mean - expected_preference(method, offsets[j], 1.0).total), z * mc[j].standard_error);
      }
    }
  }
}

TEST(PreferenceEstimator, Float32PhasesMatchUpToFloatRoundingAndDepartAtLongRange) {
  const Method method = make_method("vanilla");
  PreferenceSampling cfg;
  cfg.seed = 3;
  cfg.samples = 5000;
  const PairProductMoments moments = accumulate_pair_products(method, cfg);
  const std::vector<Offset3> near = {{0, 0, 0}, {1, 1, 1}, {77, 77, 77}, {1000, 1000, 1000}};
  const auto f64 = estimate_preference(method, moments, near, PhasePrecision::fp64);
  const auto f32 = estimate_preference(method, moments, near, PhasePrecision::fp32);
  const double u = 0x1.0p-24;  // float unit roundoff
  for (size_t j = 0; j < near.size(); ++j) {
    // float(Delta) is exact here, float(theta) and the product each round by u: the phase is off by
    // <= 2u |Delta theta| + u-ish, and cosf/sinf by ~2u; each term moves by that times |Cbar|+|Sbar|.
    double bound = 0.0;
    for (int i = 0; i < 64; ++i) {
      const double phase = near[j].t * std::pow(1e6, -2.0 * i / 128);
      bound += (std::fabs(moments.mean[static_cast<size_t>(i)]) + std::fabs(moments.mean[static_cast<size_t>(64 + i)])) *
               (2 * u * phase + 4 * u);
    }
    EXPECT_NEAR(f32[j].mean, f64[j].mean, bound) << "offset " << near[j].t;
  }
  // At 2e7 positions the fp32 phase of the fastest pairs is off by ~1 rad: the estimate moves by
  // many standard errors (the effect the precision option exists to measure).
  const std::vector<Offset3> far = {{2e7, 2e7, 2e7}};
  const double gap = std::fabs(estimate_preference(method, moments, far, PhasePrecision::fp32)[0].mean -
                               estimate_preference(method, moments, far, PhasePrecision::fp64)[0].mean);
  EXPECT_GT(gap, 5 * estimate_preference(method, moments, far)[0].standard_error);
}

TEST(PreferenceEstimator, IdenticalForOneAndTwoThreads) {
  const Method method = make_method("videorope");
  PreferenceSampling cfg;
  cfg.seed = 5;
  cfg.samples = 1000;
  omp_set_num_threads(1);
  const PairProductMoments one = accumulate_pair_products(method, cfg);
  omp_set_num_threads(2);
  const PairProductMoments two = accumulate_pair_products(method, cfg);
  EXPECT_EQ(one.n, two.n);
  EXPECT_EQ(one.mean, two.mean);          // bitwise
  EXPECT_EQ(one.comoment, two.comoment);  // bitwise
  cfg.seed = 6;
  EXPECT_NE(accumulate_pair_products(method, cfg).mean, one.mean);
}

TEST(PreferenceEstimator, ChunkRangesAccumulatedApartMergeToTheWholeBitForBit) {
  const Method method = make_method("mrope");
  PreferenceSampling cfg;
  cfg.seed = 11;
  cfg.samples = 1000;  // 256 chunks of 4 samples, the last six empty
  const std::int64_t chunks = pair_product_chunks(cfg.samples);
  ASSERT_EQ(chunks, 256);
  const int pairs = method.spectrum.pairs();
  const std::vector<double> whole = accumulate_pair_product_chunks(method, cfg, 0, chunks);
  ASSERT_EQ(whole.size(), static_cast<size_t>(chunks * chunk_floats(pairs)));
  std::vector<double> joined;
  for (const auto& [first, last] : std::vector<std::pair<std::int64_t, std::int64_t>>{{0, 1}, {1, 100}, {100, 100}, {100, 256}}) {
    const std::vector<double> part = accumulate_pair_product_chunks(method, cfg, first, last);
    EXPECT_EQ(part.size(), static_cast<size_t>((last - first) * chunk_floats(pairs))) << first << ".." << last;
    joined.insert(joined.end(), part.begin(), part.end());
  }
  EXPECT_EQ(joined, whole);  // bitwise: each chunk depends on its sample indices only
  const PairProductMoments merged = merge_chunks(pairs, joined), direct = accumulate_pair_products(method, cfg);
  EXPECT_EQ(merged.n, 1000.0);
  EXPECT_EQ(merged.n, direct.n);
  EXPECT_EQ(merged.mean, direct.mean);          // bitwise
  EXPECT_EQ(merged.comoment, direct.comoment);  // bitwise
  EXPECT_THROW(accumulate_pair_product_chunks(method, cfg, 10, 9), InputError);
  EXPECT_THROW(accumulate_pair_product_chunks(method, cfg, 0, chunks + 1), InputError);
  EXPECT_THROW(merge_chunks(pairs, std::vector<double>(joined.begin(), joined.end() - 1)), InputError);
}

TEST(PreferenceEstimator, RejectsBadInput) {
  const Method method = make_method("mrope");
  PreferenceSampling cfg;
  cfg.samples = 1;
  EXPECT_THROW(accumulate_pair_products(method, cfg), InputError);
  cfg.samples = 10;
  cfg.sigma = 0.0;
  EXPECT_THROW(accumulate_pair_products(method, cfg), InputError);
  cfg.sigma = 1.0;
  cfg.eps = -1.0;
  EXPECT_THROW(accumulate_pair_products(method, cfg), InputError);
  MethodOptions big;
  big.spectrum.head_dim = 1024;
  cfg.eps = 1.0;
  EXPECT_THROW(accumulate_pair_products(make_method("mrope", big), cfg), InputError);
  cfg.law = ComponentLaw::student_t;
  cfg.nu = 2.0;  // infinite variance
  EXPECT_THROW(accumulate_pair_products(method, cfg), InputError);
  cfg.law = ComponentLaw::gaussian;
  cfg.scales.assign(127, 1.0);  // d = 128
  EXPECT_THROW(accumulate_pair_products(method, cfg), InputError);
  cfg.scales.assign(128, 1.0);
  cfg.scales[3] = -1.0;
  EXPECT_THROW(accumulate_pair_products(method, cfg), InputError);
}

}  // namespace
}  // namespace hopelab
