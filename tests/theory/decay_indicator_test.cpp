// theory/decay_indicator.h against a long-double re-implementation whose frequencies are computed
// here (theta_i = b^(-2i/d) in long double), and the indicator's closed values: (n + 1) / 2 at
// Delta = 0, and for one pair 1 at every Delta.

#include <cmath>
#include <complex>
#include <vector>

#include <gtest/gtest.h>

#include "theory/decay_indicator.h"
#include "theory/method.h"

namespace hopelab {
namespace {

long double reference(const std::vector<long double>& theta, long double delta) {
  std::complex<long double> s = 0;
  long double sum = 0;
  for (long double t : theta) {
    s += std::polar(1.0L, delta * t);
    sum += std::abs(s);
  }
  return theta.empty() ? 0.0L : sum / static_cast<long double>(theta.size());
}

TEST(DecayIndicator, AgainstLongDoubleOnEveryAxisOfMrope) {
  const Method m = make_method("mrope");  // d = 128, base 1e6: t on pairs 0..15, h 16..39, w 40..63
  const int first[3] = {0, 16, 40}, count[3] = {16, 24, 24};
  for (int a = 0; a < 3; ++a) {
    std::vector<long double> theta;
    for (int i = first[a]; i < first[a] + count[a]; ++i) theta.push_back(std::pow(1e6L, -2.0L * i / 128.0L));
    const std::vector<double> got = axis_frequencies(m, static_cast<Axis>(a));
    ASSERT_EQ(got.size(), theta.size()) << "axis " << a;
    for (double delta : {0.0, 1.0, 7.0, 113.0, 4096.0, 1e5, 3e7}) {
      const long double want = reference(theta, delta);
      // n terms, each phase rounded by ~|Delta theta| 2^-53 and cos/sin by an ulp: the error of
      // each |S_j| is at most j (|Delta| theta_0 + 4) 2^-53, so of the mean (n + 1)(|Delta| + 4) 2^-53.
      const double tolerance = (count[a] + 1) * (std::fabs(delta) + 4.0) * std::ldexp(1.0, -53);
      EXPECT_NEAR(decay_indicator(got, delta), static_cast<double>(want), tolerance) << "axis " << a << " Delta " << delta;
    }
  }
}

TEST(DecayIndicator, ClosedValues) {
  EXPECT_DOUBLE_EQ(decay_indicator({1.0, 0.5, 0.25, 0.125}, 0.0), 2.5);  // (1 + 2 + 3 + 4) / 4
  EXPECT_DOUBLE_EQ(decay_indicator({0.3}, 12345.0), 1.0);
  EXPECT_DOUBLE_EQ(decay_indicator({}, 5.0), 0.0);
  // Two pairs at theta and theta + pi / Delta: S_2 = 0 at Delta, so the mean is (1 + 0) / 2.
  EXPECT_NEAR(decay_indicator({0.0, M_PI / 10.0}, 10.0), 0.5, 1e-15);
}

TEST(DecayIndicator, HopeTemporalPairsNeverDecay) {
  const Method hope = make_method("hope");
  const std::vector<double> t = axis_frequencies(hope, Axis::t);
  ASSERT_FALSE(t.empty());
  for (double delta : {1.0, 1e3, 1e6}) EXPECT_DOUBLE_EQ(decay_indicator(t, delta), (static_cast<double>(t.size()) + 1.0) / 2.0);
}

}  // namespace
}  // namespace hopelab
