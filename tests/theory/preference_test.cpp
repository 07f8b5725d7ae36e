// Closed-form preference against Boost.Multiprecision (50 digits) at distances up to 1e9, the
// per-dimension-variance form against an explicit trace tr(R Sigma), and the text-only
// collapses (HoPE = p-RoPE 0.75, MRoPE-Interleave = vanilla).
#include <cmath>
#include <limits>

#include <boost/multiprecision/cpp_bin_float.hpp>
#include <gtest/gtest.h>

#include "theory/input_error.h"
#include "theory/preference.h"

namespace hopelab {
namespace {

using Big = boost::multiprecision::cpp_bin_float_50;
constexpr double kEps = std::numeric_limits<double>::epsilon();

// Reference: 2 sigma^2 sum_i cos(Delta_axis(i) theta_i) with theta and cos in 50 digits. Reads only
// the allocation's axis/zero flags (the definition), nothing of the formula under test.
Big reference_preference(const Method& m, const Offset3& off, double sigma) {
  const int d = m.spectrum.head_dim;
  Big total = 0;
  for (int i = 0; i < d / 2; ++i) {
    const Big theta = boost::multiprecision::pow(Big(m.spectrum.base), Big(-2 * i) / d);
    const Axis a = m.allocation.axis[static_cast<size_t>(i)];
    const Big delta = a == Axis::t ? Big(off.t) : a == Axis::h ? Big(off.h) : Big(off.w);
    total += m.allocation.zero[static_cast<size_t>(i)] ? Big(1) : Big(boost::multiprecision::cos(delta * theta));
  }
  return 2 * Big(sigma) * Big(sigma) * total;
}

// Error bound of the double evaluation: theta_i carries (2 + |ln theta_i|) eps relative error
// (see spectrum_test), the product Delta*theta one more eps, so the phase is off by at most
// |Delta theta_i| (3 + |ln theta_i|) eps; cos adds ~1 ulp and the sum P eps * sum|terms|.
double double_error_bound(const Method& m, const Offset3& off, double sigma) {
  const int d = m.spectrum.head_dim;
  double bound = 0;
  for (int i = 0; i < d / 2; ++i) {
    const double theta = std::pow(m.spectrum.base, -2.0 * i / d);
    const Axis a = m.allocation.axis[static_cast<size_t>(i)];
    const double delta = std::fabs(a == Axis::t ? off.t : a == Axis::h ? off.h : off.w);
    bound += delta * theta * (3.0 + std::fabs(std::log(theta))) * kEps + 2.0 * kEps;
  }
  return 2 * sigma * sigma * (bound + (d / 2) * (d / 2) * kEps);
}

TEST(Preference, MatchesMultiprecisionUpToBillionPositions) {
  const std::vector<Offset3> offsets = {{0, 0, 0},     {1, 1, 1},       {7, -3, 12},    {1000, 1000, 1000},
                                        {27115, 27115, 27115},           {1e5, 3, -8},   {1e7, 1e7, 1e7},
                                        {-1e7, 5e6, 2.5e6},              {1e9, 1e9, 1e9}, {123456789, 0, 0}};
  for (const std::string& name : method_names()) {
    if (name == "custom") continue;
    for (double base : {1e4, 1e6}) {
      MethodOptions o;
      o.spectrum.base = base;
      const Method m = make_method(name, o);
      for (const Offset3& off : offsets) {
        const double sigma = 0.7;
        const double got = expected_preference(m, off, sigma).total;
        const double want = static_cast<double>(reference_preference(m, off, sigma));
        EXPECT_NEAR(got, want, double_error_bound(m, off, sigma))
            << name << " base=" << base << " offset=(" << off.t << "," << off.h << "," << off.w << ")";
      }
    }
  }
}

TEST(Preference, ByAxisSumsToTotalAndZeroPairsContributeTwoSigmaSquared) {
  const Method hope = make_method("hope");
  const Preference p = expected_preference(hope, {1e6, 0, 0}, 1.0);
  EXPECT_DOUBLE_EQ(p.by_axis[0], 2.0 * 16);  // 16 zero temporal pairs, each 2 sigma^2 * cos 0
  EXPECT_DOUBLE_EQ(p.by_axis[1], 2.0 * 24);  // spatial offsets 0
  EXPECT_DOUBLE_EQ(p.total, p.by_axis[0] + p.by_axis[1] + p.by_axis[2]);
}

TEST(Preference, PerDimensionVariancesEqualTraceOfRotationTimesCovariance) {
  // D = E[q^T R q] - (common-mean terms) = tr(R Sigma) with Sigma = diag(s2). Build R explicitly
  // (long double) for both pair layouts and compare.
  for (PairLayout layout : {PairLayout::halves, PairLayout::adjacent}) {
    MethodOptions o;
    o.spectrum = {16, 1e3};
    o.layout = layout;
    const Method m = make_method("mrope", o);
    std::vector<double> s2(16);
    for (int j = 0; j < 16; ++j) s2[static_cast<size_t>(j)] = 0.1 + 0.37 * j;
    const Offset3 off{13, -4, 9};
    long double trace = 0;
    for (int i = 0; i < 8; ++i) {
      const long double theta = std::pow(1e3L, -2.0L * i / 16);
      const Axis a = m.allocation.axis[static_cast<size_t>(i)];
      const long double phi = (a == Axis::t ? off.t : a == Axis::h ? off.h : off.w) * theta;
      const int first = layout == PairLayout::halves ? i : 2 * i;
      const int second = layout == PairLayout::halves ? i + 8 : 2 * i + 1;
      // Diagonal entries of the 2x2 rotation block are cos(phi) at (first, first) and (second, second).
      trace += std::cos(phi) * (s2[static_cast<size_t>(first)] + s2[static_cast<size_t>(second)]);
    }
    const double got = expected_preference(m, off, pair_weights(m, s2)).total;
    // |phase| <= 13, terms <= 2 * 5.7: a few ulp of each of 8 terms.
    EXPECT_NEAR(got, static_cast<double>(trace), 64 * 12 * kEps) << pair_layout_name(layout);
  }
  // i.i.d. variances reduce to 2 sigma^2 sum cos.
  const Method m = make_method("videorope");
  const std::vector<double> same(128, 0.49);
  EXPECT_NEAR(expected_preference(m, {77, 5, 2}, pair_weights(m, same)).total,
              expected_preference(m, {77, 5, 2}, 0.7).total, 128 * kEps * 128);
}

TEST(Preference, TextOnlyCollapses) {
  MethodOptions p75;
  p75.keep_fraction = 0.75;
  const Method hope = make_method("hope"), prope = make_method("p-rope", p75);
  const Method interleave = make_method("mrope-interleave"), vanilla = make_method("vanilla");
  for (double m : {1.0, 17.0, 999.0, 27115.0, 33649.0, 1e6, 3.3e7}) {
    const Offset3 text{m, m, m};
    // Same multiset of (theta, zero) pairs: the sums agree up to summation order (P eps * P).
    EXPECT_NEAR(expected_preference(hope, text).total, expected_preference(prope, text).total, 64 * 128 * kEps) << m;
    EXPECT_NEAR(expected_preference(interleave, text).total, expected_preference(vanilla, text).total,
                64 * 128 * kEps) << m;
  }
}

TEST(Preference, NopeIsTheSameAtEveryOffset) {
  // Every phase is 0, so D = 2 sigma^2 P exactly (P = 64 terms of 1: no rounding).
  const Method nope = make_method("nope");
  for (const Offset3& off : {Offset3{0, 0, 0}, Offset3{1, 2, 3}, Offset3{1e9, -1e9, 7}}) {
    EXPECT_EQ(expected_preference(nope, off, 0.5).total, 2 * 0.25 * 64);
  }
}

TEST(Preference, RejectsBadSigmaAndVarianceCount) {
  const Method m = make_method("mrope");
  EXPECT_THROW(expected_preference(m, {1, 1, 1}, 0.0), InputError);
  EXPECT_THROW(expected_preference(m, {1, 1, 1}, -1.0), InputError);
  EXPECT_THROW(pair_weights(m, std::vector<double>(127, 1.0)), InputError);
}

}  // namespace
}  // namespace hopelab
