#pragma once
// kind "base-bound": the smallest RoPE base b* for which B_b(m) >= 0 for every m <= L (the
// long-term-decay bound, theory/base_bound.h), and the infeasible windows above it.

#include "kinds/kind.h"

namespace hopelab::kinds {

struct BaseBoundSettings {
  std::int64_t head_dim = 128;
  std::int64_t context_length = 0;  // required
  bool exclusive = false;
  double grid_ratio = 1.001;
  double recheck_above = 1.0;
};

template <class V>
void visit_fields(BaseBoundSettings& s, V&& v) {
  using namespace params;
  v(Field{"head_dim", "1", closed(2, 1 << 20), "head dimension d (even)"}, s.head_dim);
  v(Field{"context_length", "token", at_least(1), "context length L (required)"}, s.context_length);
  v(Field{"exclusive", "1", any(), "check m in [0, L-1] instead of [0, L]"}, s.exclusive);
  v(Field{"grid_ratio", "1", above(1), "ratio of consecutive bases searched"}, s.grid_ratio);
  v(Field{"recheck_above", "1", at_least(1), "also list infeasible bases in (b*, F b*]"}, s.recheck_above);
}

namespace base_bound {
inline constexpr DatasetName kBase = scalar_dataset({"base", "1", "smallest feasible RoPE base found (refined)"});
inline constexpr DatasetName kInfeasibleBelow = scalar_dataset(
    {"infeasible_below", "1", "infeasible end of the refined bracket (0: every base searched is feasible)"});
inline constexpr DatasetName kFeasibleAtSearchStart = scalar_dataset(
    {"feasible_at_search_start", "1", "1: the bound is only <= the search start"});
inline constexpr DatasetName kMaxDistance = scalar_dataset({"max_distance", "token", "largest m checked"});
inline constexpr DatasetName kBasesEvaluated = scalar_dataset({"bases_evaluated", "1", "grid bases evaluated"});
inline constexpr DatasetName kInfeasibleAbove{"infeasible_above", "1", "infeasible base windows above b*, (K, 2)"};
}  // namespace base_bound

const Kind& base_bound_kind();

}  // namespace hopelab::kinds
