#include "theory/base_bound.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "theory/cosine_scan.h"
#include "theory/input_error.h"
#include "theory/spectrum.h"
#include "theory/text_format.h"

namespace hopelab {

std::optional<std::int64_t> first_infeasible_distance(double base, int head_dim, std::int64_t max_distance) {
  const std::vector<double> theta = rope_frequencies({head_dim, base});
  const std::vector<double> weight(theta.size(), 1.0);
  return scan_first_negative(theta, weight, 1, max_distance).first_negative;
}

bool base_is_feasible(double base, int head_dim, std::int64_t max_distance) {
  return !first_infeasible_distance(base, head_dim, max_distance);
}

namespace {

// Grid bases per parallel batch of the upward walk. Fixed, so that the bases evaluated (and so
// every output) do not depend on the thread count; large enough to keep 16 threads busy.
constexpr std::int64_t kGridBatch = 64;

// Feasibility of grid bases b_k = from * ratio^k, k = first..first+count-1, one OpenMP iteration
// per base (each is independent, and their costs differ: dynamic schedule); one flag per base.
std::vector<char> feasible_on_grid(double from, double ratio, std::int64_t first, std::int64_t count, int head_dim,
                                   std::int64_t max_distance) {
  std::vector<char> feasible(static_cast<size_t>(count), 0);
#pragma omp parallel for schedule(dynamic, 1)
  for (std::int64_t j = 0; j < count; ++j) {
    const double base = from * std::pow(ratio, static_cast<double>(first + j));
    feasible[static_cast<size_t>(j)] = base_is_feasible(base, head_dim, max_distance);
  }
  return feasible;
}

}  // namespace

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
  const auto grid_base = [&](std::int64_t k) { return q.search_from * std::pow(q.grid_ratio, static_cast<double>(k)); };
  const auto grid_size = static_cast<std::int64_t>(std::floor(std::log(q.search_to / q.search_from) / std::log(q.grid_ratio))) + 1;

  // Walk the grid upward in batches; the answer is the first feasible grid index, whatever
  // the batch size or thread count.
  std::int64_t first_feasible = -1;
  for (std::int64_t k = 0; k < grid_size && first_feasible < 0; k += kGridBatch) {
    const std::int64_t count = std::min(kGridBatch, grid_size - k);
    const std::vector<char> feasible = feasible_on_grid(q.search_from, q.grid_ratio, k, count, q.head_dim, out.max_distance);
    out.grid_points += count;
    for (std::int64_t j = 0; j < count; ++j) {
      if (feasible[static_cast<size_t>(j)]) {
        first_feasible = k + j;
        break;
      }
    }
  }
  if (first_feasible < 0) return out;
  out.found = true;
  out.base = grid_base(first_feasible);
  if (first_feasible == 0) {  // no infeasible base seen: the bound is at most search_from
    out.feasible_at_search_start = true;
    return out;
  }

  // Refine the bracket [b_{k-1} (infeasible), b_k (feasible)] to ~1e-12 relative.
  double lo = grid_base(first_feasible - 1), hi = out.base;
  while (hi / lo - 1.0 > 1e-12) {
    const double mid = std::sqrt(lo * hi);
    ++out.grid_points;
    (base_is_feasible(mid, q.head_dim, out.max_distance) ? hi : lo) = mid;
  }
  out.base = hi;
  out.infeasible_below = lo;

  // Optional: show non-monotonicity by listing infeasible grid runs in (b*, recheck_above b*].
  const auto above = static_cast<std::int64_t>(std::floor(std::log(q.recheck_above) / std::log(q.grid_ratio)));
  if (above > 0) {
    const std::vector<char> feasible =
        feasible_on_grid(q.search_from, q.grid_ratio, first_feasible + 1, above, q.head_dim, out.max_distance);
    out.grid_points += above;
    for (std::int64_t j = 0; j < above; ++j) {
      if (feasible[static_cast<size_t>(j)]) continue;
      const double b = grid_base(first_feasible + 1 + j);
      if (j > 0 && !feasible[static_cast<size_t>(j - 1)] && !out.infeasible_above.empty()) {
        out.infeasible_above.back().to = b;
      } else {
        out.infeasible_above.push_back({b, b});
      }
    }
  }
  return out;
}

}  // namespace hopelab
