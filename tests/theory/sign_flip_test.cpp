// HoPE Lemma A.1: P[cos(theta dt) < 0] for dt uniform on {0..L-1}, against a brute-force count.
#include <cmath>

#include <gtest/gtest.h>

#include "theory/input_error.h"
#include "theory/sign_flip.h"

namespace hopelab {
namespace {

double brute_force_probability(double theta, std::int64_t length) {
  std::int64_t negative = 0;
  for (std::int64_t n = 0; n < length; ++n) negative += std::cos(static_cast<long double>(theta) * n) < 0;
  return static_cast<double>(negative) / static_cast<double>(length);
}

TEST(SignFlip, MatchesBruteForceCount) {
  for (std::int64_t length : {2, 10, 1000, 100000}) {
    for (double theta : {1e-7, 1e-4, 0.001, 0.0123, 0.5, 1.0, 3.0, 10.0}) {
      // Exact counts agree unless some theta*n lies within rounding of a zero of cos, which these
      // irrational-ratio cases avoid: the probabilities must be equal.
      EXPECT_EQ(sign_flip_probability(theta, length), brute_force_probability(theta, length))
          << "theta=" << theta << " L=" << length;
    }
  }
}

TEST(SignFlip, ZeroBelowThresholdPositiveAbove) {
  for (std::int64_t length : {16, 1024, 32768}) {
    const double threshold = sign_flip_threshold(length);
    EXPECT_EQ(sign_flip_probability(threshold * 0.999, length), 0.0) << length;
    EXPECT_GT(sign_flip_probability(threshold * 1.01, length), 0.0) << length;
  }
}

TEST(SignFlip, TendsToOneHalf) {
  // For theta with an irrational ratio to pi the phases equidistribute: |p - 1/2| = O(1/L).
  for (double theta : {1.0, 2.7, 10.3}) {
    EXPECT_NEAR(sign_flip_probability(theta, 1'000'000), 0.5, 1e-3) << theta;
  }
}

TEST(SignFlip, LargeThetaIsReducedModuloTwoPi) {
  // theta = 1e10 over a million offsets: without the reduction this is ~1.6e15 intervals.
  EXPECT_NEAR(sign_flip_probability(1e10, 1'000'000), 0.5, 1e-3);
  EXPECT_EQ(sign_flip_probability(2.0 * M_PI + 0.25, 5000), sign_flip_probability(0.25, 5000));
}

TEST(SignFlip, RejectsBadInput) {
  EXPECT_THROW(sign_flip_probability(-1.0, 10), InputError);
  EXPECT_THROW(sign_flip_probability(0.1, 0), InputError);
  EXPECT_THROW(sign_flip_threshold(1), InputError);
}

}  // namespace
}  // namespace hopelab
