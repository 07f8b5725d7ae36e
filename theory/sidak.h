#pragma once
// Šidák's correction for k independent two-sided z-tests sharing a family level a: each test
// runs at level l = 1 - (1 - a)^(1/k), so all pass with probability 1 - a; its critical value z
// solves erfc(z / sqrt 2) = l (P(|Z| > z) = l for a standard normal Z).

#include <cstddef>

namespace hopelab {

// l = 1 - (1 - family_level)^(1/checks), as -expm1(log1p(-family_level) / checks): no
// cancellation for small levels. Throws InputError unless 0 < family_level < 1 and checks >= 1.
double sidak_per_check_level(double family_level, std::size_t checks);

// The z > 0 with erfc(z / sqrt 2) = sidak_per_check_level(family_level, checks); same throws.
double sidak_z(double family_level, std::size_t checks);

}  // namespace hopelab
