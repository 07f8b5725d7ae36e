// theta_i = b^(-2i/d), and a partial rotary's b^(-2i/r), against an independent long double
// evaluation.
#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "theory/input_error.h"
#include "theory/spectrum.h"

namespace hopelab {
namespace {

TEST(Spectrum, FrequenciesMatchLongDoubleReference) {
  for (int d : {2, 16, 64, 128, 256}) {
    for (double base : {1.5, 1e4, 1e6, 5e6, 1e9}) {
      const std::vector<double> theta = rope_frequencies({d, base});
      ASSERT_EQ(static_cast<int>(theta.size()), d / 2);
      for (int i = 0; i < d / 2; ++i) {
        const long double ref = std::exp(-2.0L * i / d * std::log(static_cast<long double>(base)));
        // pow is accurate to ~1 ulp, and the exponent -2i/d is rounded once (relative eps), which
        // moves b^x by eps * |x ln b| relative: bound (2 + |x ln b|) eps.
        const long double x_ln_b = 2.0L * i / d * std::log(static_cast<long double>(base));
        const long double tol = (2.0L + x_ln_b) * std::numeric_limits<double>::epsilon() * ref;
        EXPECT_NEAR(theta[static_cast<size_t>(i)], static_cast<double>(ref), static_cast<double>(tol))
            << "d=" << d << " base=" << base << " pair=" << i;
      }
    }
  }
}

TEST(Spectrum, PartialRotaryFrequenciesAreOverTheRotatedDimensions) {
  // theta_i = b^(-2i/r) for i < r/2, against long double, through rope_frequency at b^(d/r).
  for (int d : {80, 128, 256}) {
    for (int r : {16, 20, 64}) {
      for (double base : {1e4, 1e6, 1e7}) {
        const double effective = partial_rotary_base(base, d, r);
        const std::vector<double> theta = rope_frequencies({d, effective});
        const long double ln_effective = std::log(static_cast<long double>(effective));
        for (int i = 0; i < r / 2; ++i) {
          const long double ref = std::exp(-2.0L * i / r * std::log(static_cast<long double>(base)));
          // b^(d/r) by pow: within 1 ulp (2 eps relative; d/r is rounded once more, eps |d/r ln b|),
          // which moves theta_i = b_eff^(-x), x = 2i/d <= 1, by x (2 + |d/r ln b|) eps relative;
          // then rope_frequency's own (2 + |x ln b_eff|) eps (FrequenciesMatchLongDoubleReference).
          const long double x = 2.0L * i / d;
          const long double tol = (x * (2.0L + ln_effective) + 2.0L + x * ln_effective) *
                                  std::numeric_limits<double>::epsilon() * ref;
          EXPECT_NEAR(theta[static_cast<size_t>(i)], static_cast<double>(ref), static_cast<double>(tol))
              << "d=" << d << " r=" << r << " base=" << base << " pair=" << i;
        }
      }
    }
  }
  EXPECT_EQ(partial_rotary_base(1e7, 256, 256), 1e7);
  EXPECT_THROW(partial_rotary_base(1e9, 256, 2), InputError);  // 1e9^128 overflows a double
  EXPECT_THROW(partial_rotary_base(1e6, 256, 0), InputError);
  EXPECT_THROW(partial_rotary_base(1e6, 256, 63), InputError);
  EXPECT_THROW(partial_rotary_base(1e6, 256, 258), InputError);
}

TEST(Spectrum, HighestFrequencyIsOneAndDecreasing) {
  const std::vector<double> theta = rope_frequencies({128, 1e6});
  EXPECT_EQ(theta[0], 1.0);
  for (size_t i = 1; i < theta.size(); ++i) EXPECT_LT(theta[i], theta[i - 1]) << "pair " << i;
}

TEST(Spectrum, RejectsBadHeadDimAndBase) {
  EXPECT_THROW(validate(Spectrum{127, 1e6}), InputError);
  EXPECT_THROW(validate(Spectrum{0, 1e6}), InputError);
  EXPECT_THROW(validate(Spectrum{-4, 1e6}), InputError);
  EXPECT_THROW(validate(Spectrum{128, 1.0}), InputError);
  EXPECT_THROW(validate(Spectrum{128, 0.5}), InputError);
  EXPECT_THROW(validate(Spectrum{128, std::numeric_limits<double>::infinity()}), InputError);
  EXPECT_THROW(validate(Spectrum{128, std::numeric_limits<double>::quiet_NaN()}), InputError);
  EXPECT_NO_THROW(validate(Spectrum{2, 1.0001}));
}

}  // namespace
}  // namespace hopelab
