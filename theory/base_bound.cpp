#include "theory/base_bound.h"

#include <cmath>
#include <string>

#include "theory/cosine_scan.h"
#include "theory/input_error.h"
#include "theory/spectrum.h"
#include "theory/text_format.h"

namespace hopelab {

bool base_is_feasible(double base, int head_dim, std::int64_t max_distance) {
  const std::vector<double> theta = rope_frequencies({head_dim, base});
  const std::vector<double> weight(theta.size(), 1.0);
  return !scan_first_negative(theta, weight, 1, max_distance).first_negative;
}

BaseBound minimal_base(const BaseBoundQuery& q) {
  validate(Spectrum{q.head_dim, 2.0});
  if (q.context_length < 1) {
    throw InputError("context length must be >= 1, got " + std::to_string(q.context_length));
  }
  if (!(q.grid_ratio > 1.0) || !(q.search_from > 1.0) || !(q.search_to > q.search_from)) {
    throw InputError("base search needs grid ratio > 1 and 1 < from < to, got ratio " +
                     format_number(q.grid_ratio));
  }
  BaseBound out;
  out.max_distance = q.include_endpoint ? q.context_length : q.context_length - 1;
  const auto feasible = [&](double b) {
    ++out.grid_points;
    return base_is_feasible(b, q.head_dim, out.max_distance);
  };

  double previous = q.search_from;
  double b = q.search_from;
  for (; b <= q.search_to; previous = b, b *= q.grid_ratio) {
    if (feasible(b)) break;
  }
  if (b > q.search_to) return out;
  out.found = true;
  out.base = b;
  out.infeasible_below = previous;
  if (b == q.search_from) {  // no infeasible base seen: the bound is at most search_from
    out.feasible_at_search_start = true;
    out.infeasible_below = 0.0;
    return out;
  }

  // Refine the bracket [previous (infeasible), b (feasible)] to ~1e-12 relative.
  double lo = previous, hi = b;
  while (hi / lo - 1.0 > 1e-12) {
    const double mid = std::sqrt(lo * hi);
    (feasible(mid) ? hi : lo) = mid;
  }
  out.base = hi;
  out.infeasible_below = lo;

  // Optional: show non-monotonicity by listing infeasible grid runs above b*.
  for (double c = b * q.grid_ratio; c <= q.recheck_above * out.base; c *= q.grid_ratio) {
    if (feasible(c)) continue;
    if (!out.infeasible_above.empty() && out.infeasible_above.back().to * q.grid_ratio * (1 + 1e-12) >= c) {
      out.infeasible_above.back().to = c;
    } else {
      out.infeasible_above.push_back({c, c});
    }
  }
  return out;
}

}  // namespace hopelab
