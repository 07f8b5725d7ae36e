#include "theory/sidak.h"

#include <cmath>
#include <string>

#include "theory/input_error.h"
#include "theory/text_format.h"

namespace hopelab {

double sidak_per_check_level(double family_level, std::size_t checks) {
  if (!(family_level > 0.0 && family_level < 1.0)) {
    throw InputError("family level " + format_number(family_level) + " is not in (0, 1)");
  }
  if (checks == 0) throw InputError("a Sidak family needs at least one check");
  return -std::expm1(std::log1p(-family_level) / static_cast<double>(checks));
}

double sidak_z(double family_level, std::size_t checks) {
  const double level = sidak_per_check_level(family_level, checks);
  // erfc(z / sqrt 2) falls from 1 at z = 0 to below the least double before z = 40; bisect until
  // the bracket is two adjacent doubles.
  double lo = 0.0, hi = 40.0;
  for (;;) {
    const double mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) return hi;
    (std::erfc(mid * M_SQRT1_2) > level ? lo : hi) = mid;
  }
}

}  // namespace hopelab
