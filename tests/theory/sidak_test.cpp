// theory/sidak.h against 50-digit values from tests/ref/sidak_reference.py (mpmath), with a
// twin for each quantity that must be rejected: z from erfc(z) = l (the sqrt 2 dropped) and the
// level as 1 - pow(1 - a, 1/k) (cancellation). Also the refusals of bad input.
#include <cfloat>
#include <cmath>
#include <cstddef>
#include <iterator>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "theory/input_error.h"
#include "theory/sidak.h"

namespace hopelab {
namespace {

struct Reference {
  double family_level;
  std::size_t checks;
  double level;  // 1 - (1 - a)^(1/k)
  double z;      // erfc(z / sqrt 2) = level
};

// Made by `python3 tests/ref/sidak_reference.py` (mpmath, 50 digits; rows rounded to 20 digits).
const Reference kReferences[] = {
    {0.05, 1, 5.0000000000000002776e-2, 1.9599639845400542118},
    {0.05, 3, 1.6952427508441499979e-2, 2.3877378870708154914},
    {0.05, 12, 4.2653187775606658456e-3, 2.8578426239489265877},
    {0.05, 1000, 5.1291978909017811072e-5, 4.0496605495544257633},
    {0.05, 1000000, 5.1293293072049534276e-8, 5.4467680079496774813},
    {0.0001, 1, 1.0000000000000000479e-4, 3.8905918864130939554},
    {0.0001, 3, 3.3334444506176956632e-5, 4.1494023532027611521},
    {0.0001, 12, 8.3337153021815638023e-6, 4.4564265055034616612},
    {0.0001, 1000, 1.0000499533285846098e-7, 5.3267148092882200631},
    {0.0001, 1000000, 1.0000500032835784008e-10, 6.4669435282863853191},
    {1e-06, 1, 9.9999999999999995475e-7, 4.8916384756985903951},
    {1e-06, 3, 3.333334444445061578e-7, 5.1035539398636060359},
    {1e-06, 12, 8.3333371527802176031e-8, 5.3597582905317659857},
    {1e-06, 1000, 1.0000004995003327885e-9, 6.1094101251446483307},
    {1e-06, 1000000, 1.0000004999998332878e-12, 7.1305067793549503571},
    {1e-07, 1, 9.9999999999999995475e-8, 5.3267238863844963261},
    {1e-07, 3, 3.3333334444444504664e-8, 5.5229612117019030021},
    {1e-07, 12, 8.3333337152778018027e-9, 5.7615735444929199021},
    {1e-07, 1000, 1.0000000499500032831e-10, 6.4669510796894320028},
    {1e-07, 1000000, 1.0000000499999532881e-13, 7.4409021440380787942},
    {1e-12, 1, 9.9999999999999997989e-13, 7.1305068481713244607},
    {1e-12, 3, 3.3333333333344443774e-13, 7.2801968867244292419},
    {1e-12, 12, 8.3333333333371526102e-14, 7.4649467073283642287},
    {1e-12, 1000, 1.0000000000004994799e-15, 8.0268588825344795903},
    {1e-12, 1000000, 1.0000000000004999794e-18, 8.8351097881753398955},
};

constexpr double kU = DBL_EPSILON / 2;  // unit roundoff 2^-53; one ulp is at most 2u relative

// The level is log1p (<= 1 ulp), a division (0.5 ulp) and expm1 (<= 1 ulp), whose condition
// number x e^x / (e^x - 1) is <= 1 for x <= 0: relative error <= 2.5 ulp <= 5u. The reference
// literal adds at most 0.5 ulp (u) more.
double level_tolerance(double level) { return 6 * kU * level; }

// z: a relative error e of the level moves the root of erfc(z / sqrt 2) = l by e R(z), with
// R(z) = (1 - Phi(z)) / phi(z) <= sqrt(pi / 2) (Mills' ratio, largest at 0). e <= 5u (level)
// + 18u (erfc: glibc's own tests allow 9 ulp). The argument z * fl(1/sqrt 2) carries <= 2u
// relative, which moves the root by <= 2u z; the bisection stops within one ulp (<= 2u z); the
// literal is within 0.5 ulp (u z). Total: sqrt(pi / 2) 23u + 5u z.
double z_tolerance(double z) { return std::sqrt(M_PI / 2) * 23 * kU + 5 * kU * z; }

// "" when |actual - expected| <= tolerance, else a line naming all four.
std::string mismatch(const char* what, const Reference& r, double actual, double expected, double tolerance) {
  const double error = std::fabs(actual - expected);
  if (error <= tolerance) return "";
  std::ostringstream s;
  s.precision(17);
  s << what << " at a = " << r.family_level << ", k = " << r.checks << ": expected " << expected << ", actual "
    << actual << ", error " << error << ", tolerance " << tolerance;
  return s.str();
}

TEST(Sidak, PerCheckLevelMatchesFiftyDigits) {
  for (const Reference& r : kReferences) {
    const double got = sidak_per_check_level(r.family_level, r.checks);
    EXPECT_EQ(mismatch("level", r, got, r.level, level_tolerance(r.level)), "");
  }
}

TEST(Sidak, ZMatchesFiftyDigits) {
  for (const Reference& r : kReferences) {
    const double got = sidak_z(r.family_level, r.checks);
    EXPECT_EQ(mismatch("z", r, got, r.z, z_tolerance(r.z)), "");
  }
}

// Twins: the same checks must reject the two classic slips, or they could not fail.
TEST(Sidak, TwinsWithTheClassicSlipsAreRejected) {
  int z_rejected = 0, level_rejected = 0;
  for (const Reference& r : kReferences) {
    const double level = sidak_per_check_level(r.family_level, r.checks);
    double lo = 0.0, hi = 40.0;  // root of erfc(z) = l: the sqrt 2 forgotten (z / sqrt 2 comes out)
    for (int i = 0; i < 200; ++i) (std::erfc(0.5 * (lo + hi)) > level ? lo : hi) = 0.5 * (lo + hi);
    z_rejected += !mismatch("z", r, hi, r.z, z_tolerance(r.z)).empty();
    const double naive = 1.0 - std::pow(1.0 - r.family_level, 1.0 / static_cast<double>(r.checks));
    level_rejected += !mismatch("level", r, naive, r.level, level_tolerance(r.level)).empty();
  }
  const int cases = static_cast<int>(std::size(kReferences));
  EXPECT_EQ(z_rejected, cases) << "a z without the sqrt 2 passed the z check";
  // pow's form loses log10(1 / a) digits to cancellation; it must fail where a is 1e-12 (5 rows),
  // where 1 - a already carries a relative error near 1e-4 in a.
  EXPECT_GE(level_rejected, 5) << "1 - pow(1 - a, 1/k) passed the level check";
}

TEST(Sidak, RefusesBadInput) {
  for (double a : {0.0, 1.0, -0.1, 1.5, std::nan("")}) {
    EXPECT_THROW(sidak_z(a, 3), InputError) << a;
    EXPECT_THROW(sidak_per_check_level(a, 3), InputError) << a;
  }
  EXPECT_THROW(sidak_z(0.05, 0), InputError);
}

}  // namespace
}  // namespace hopelab
