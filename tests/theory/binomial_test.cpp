// theory/binomial.h against independent computations: the Wilson interval against a bisection
// of its defining inequality |k/n - p| <= z sqrt(p (1 - p) / n) in long double, the sign test
// against exact integer binomial coefficients; each with a twin that the same comparison must
// reject (the Wald interval; the one-sided p). Also the refusals.
#include <cmath>
#include <cstdint>

#include <gtest/gtest.h>

#include "theory/binomial.h"
#include "theory/input_error.h"

namespace hopelab {
namespace {

// The score test's boundary on one side of k/n, by bisection on [a, b] where inside(a) != inside(b).
long double boundary(std::int64_t k, std::int64_t n, long double z, long double a, long double b) {
  const auto inside = [&](long double p) {
    const long double d = static_cast<long double>(k) / n - p;
    return d * d <= z * z * p * (1 - p) / n;
  };
  const bool inside_a = inside(a);
  for (int i = 0; i < 200; ++i) {
    const long double m = (a + b) / 2;
    (inside(m) == inside_a ? a : b) = m;
  }
  return (a + b) / 2;
}

// Closed form: centre and half are each <= 1 after ~20 operations of relative error eps, so
// |error| <= 20 * 2.2e-16 < 1e-14; the bisection's is ~1e-19.
constexpr double kWilsonTolerance = 1e-14;

bool matches_score_test(std::int64_t k, std::int64_t n, const ProportionInterval& got) {
  const long double phat = static_cast<long double>(k) / n;
  const long double low = k == 0 ? 0.0L : boundary(k, n, kZ95, 0.0L, phat);
  const long double high = k == n ? 1.0L : boundary(k, n, kZ95, phat, 1.0L);
  return std::fabs(static_cast<long double>(got.low) - low) <= kWilsonTolerance &&
         std::fabs(static_cast<long double>(got.high) - high) <= kWilsonTolerance;
}

TEST(Wilson, SolvesTheScoreTestInequality) {
  for (std::int64_t n : {1, 2, 5, 10, 20, 37, 100, 1000, 100000}) {
    for (std::int64_t k : {std::int64_t{0}, std::int64_t{1}, n / 3, n / 2, n - 1, n}) {
      if (k < 0 || k > n) continue;
      EXPECT_TRUE(matches_score_test(k, n, wilson_interval(k, n))) << k << " of " << n;
    }
  }
  // 0 of 10: the upper end is z^2 / (n + z^2), by hand.
  const double z2 = kZ95 * kZ95;
  EXPECT_NEAR(wilson_interval(0, 10).high, z2 / (10 + z2), kWilsonTolerance);
  EXPECT_EQ(wilson_interval(0, 10).low, 0.0);
}

TEST(Wilson, TwinTheWaldIntervalIsRejected) {
  // p +- z sqrt(p (1 - p) / n): the interval Wilson replaces; it collapses to a point at k = 0.
  const auto wald = [](std::int64_t k, std::int64_t n) {
    const double p = static_cast<double>(k) / static_cast<double>(n);
    const double half = kZ95 * std::sqrt(p * (1 - p) / static_cast<double>(n));
    return ProportionInterval{std::max(0.0, p - half), std::min(1.0, p + half)};
  };
  EXPECT_FALSE(matches_score_test(0, 10, wald(0, 10)));
  EXPECT_FALSE(matches_score_test(7, 20, wald(7, 20)));
}

// Exact: C(n, j) in 64-bit integers (n <= 60), the tail over 2^n in long double.
long double exact_sign_p(std::int64_t k, std::int64_t n) {
  const std::int64_t tail = std::min(k, n - k);
  std::uint64_t c = 1, sum = 0;
  for (std::int64_t j = 0; j <= tail; ++j) {
    sum += c;
    c = c * static_cast<std::uint64_t>(n - j) / static_cast<std::uint64_t>(j + 1);  // C(n, j + 1), exact
  }
  return std::min(1.0L, 2.0L * static_cast<long double>(sum) / std::ldexp(1.0L, static_cast<int>(n)));
}

// lgamma's terms reach ln(60!) ~ 188 with relative error a few eps: the exponent's absolute
// error, hence the p's relative error, is below 188 * 8 * 2.2e-16 < 1e-12.
constexpr double kSignRelativeTolerance = 1e-12;

TEST(SignTest, MatchesExactBinomialTails) {
  for (std::int64_t n : {1, 2, 5, 6, 10, 17, 30, 60}) {
    for (std::int64_t k = 0; k <= n; ++k) {
      const long double want = exact_sign_p(k, n);
      EXPECT_LE(std::fabs(sign_test_p(k, n) - want), kSignRelativeTolerance * want) << k << " of " << n;
    }
  }
  EXPECT_DOUBLE_EQ(sign_test_p(0, 5), 0.0625);  // 2 / 32: five of five one way is not significant
  EXPECT_DOUBLE_EQ(sign_test_p(0, 0), 1.0);
}

TEST(SignTest, OneSidedMatchesTheExactUpperTail) {
  for (std::int64_t n : {1, 5, 6, 17, 60}) {
    for (std::int64_t k = 0; k <= n; ++k) {
      // P(X >= k) = 1 - P(X <= k - 1), exact in integers.
      std::uint64_t c = 1, below = 0;
      for (std::int64_t j = 0; j < k; ++j) {
        below += c;
        c = c * static_cast<std::uint64_t>(n - j) / static_cast<std::uint64_t>(j + 1);
      }
      const long double want = 1.0L - static_cast<long double>(below) / std::ldexp(1.0L, static_cast<int>(n));
      EXPECT_LE(std::fabs(sign_test_greater_p(k, n) - want), kSignRelativeTolerance * want + 1e-18L) << k << " of " << n;
    }
  }
  EXPECT_DOUBLE_EQ(sign_test_greater_p(5, 5), 1.0 / 32);  // five seeds of five: p = 0.03125
  // Twin: the lower tail P(X <= 1) = 6/32 in place of P(X >= 1) = 31/32 is rejected by the same
  // comparison (sign_test_greater_p(4, 5) = P(X >= 4) = P(X <= 1) by symmetry).
  EXPECT_NEAR(sign_test_greater_p(1, 5), 31.0 / 32, kSignRelativeTolerance);
  EXPECT_GT(std::fabs(sign_test_greater_p(4, 5) - 31.0 / 32), kSignRelativeTolerance);
}

TEST(SignTest, TwinTheOneSidedTailIsRejected) {
  const long double want = exact_sign_p(1, 10);
  const double one_sided = sign_test_p(1, 10) / 2;
  EXPECT_GT(std::fabs(one_sided - want), kSignRelativeTolerance * want);
}

TEST(Binomial, RefusesImpossibleCounts) {
  EXPECT_THROW(wilson_interval(3, 2), InputError);
  EXPECT_THROW(wilson_interval(-1, 2), InputError);
  EXPECT_THROW(wilson_interval(1, 2, 0.0), InputError);
  EXPECT_THROW(sign_test_p(4, 3), InputError);
  EXPECT_THROW(sign_test_p(0, 2000000), InputError);
  EXPECT_THROW(sign_test_greater_p(-1, 3), InputError);
  const ProportionInterval none = wilson_interval(0, 0);
  EXPECT_EQ(none.low, 0.0);
  EXPECT_EQ(none.high, 1.0);
}

}  // namespace
}  // namespace hopelab
