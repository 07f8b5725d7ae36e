#pragma once
// Lower bound of the RoPE base for a context length (Men et al., "Base of RoPE Bounds Context
// Length"): the smallest base b with B_b(m) = sum_i cos(m b^(-2i/d)) >= 0 for every integer m in
// [0, L] (or [0, L-1]). Feasibility is not monotone in b, so bisection on b is wrong: we walk
// a geometric grid of bases upward from 2 and refine only the first infeasible -> feasible
// bracket. Windows of feasibility narrower than one grid step can be missed (docs/theory.md).

#include <cstdint>
#include <optional>
#include <vector>

namespace hopelab {

struct BaseBoundQuery {
  int head_dim = 128;
  std::int64_t context_length = 0;  // L
  bool include_endpoint = true;     // m in [0, L]; false: m in [0, L-1]
  double grid_ratio = 1.001;        // b_{k+1} / b_k
  double search_from = 2.0;
  double search_to = 1e15;
  double recheck_above = 1.0;       // also scan (b*, recheck_above * b*] for infeasible bases
};

struct BaseInterval {
  double from = 0.0, to = 0.0;  // grid points: [from, to] all infeasible
};

struct BaseBound {
  double base = 0.0;                  // smallest feasible base found (refined)
  double infeasible_below = 0.0;      // the refined bracket's infeasible end (0: none found)
  bool feasible_at_search_start = false;  // then the bound is only "<= search_from"
  std::int64_t max_distance = 0;      // largest m checked: L or L-1
  std::int64_t grid_points = 0;       // bases evaluated (batches of 64 past the answer's grid point)
  bool found = false;
  std::vector<BaseInterval> infeasible_above;  // infeasible grid runs above b* (non-monotonicity)
};

// The smallest m in [1, max_distance] with B_b(m) < 0; nullopt when there is none.
std::optional<std::int64_t> first_infeasible_distance(double base, int head_dim, std::int64_t max_distance);

// True when B_b(m) >= 0 for all m in [1, max_distance] (m = 0 gives d/2 > 0).
bool base_is_feasible(double base, int head_dim, std::int64_t max_distance);

BaseBound minimal_base(const BaseBoundQuery& query);

}  // namespace hopelab
