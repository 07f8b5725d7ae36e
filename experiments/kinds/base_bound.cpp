#include "kinds/base_bound.h"

#include "kinds/kind_support.h"
#include "theory/base_bound.h"

namespace hopelab::kinds {

namespace {

BaseBoundQuery base_query(const BaseBoundSettings& s) {
  if (s.head_dim % 2 != 0) throw InputError("head_dim must be even, in [2, 2^20], got " + std::to_string(s.head_dim));
  BaseBoundQuery q;
  q.head_dim = static_cast<int>(s.head_dim);
  q.context_length = s.context_length;
  q.include_endpoint = !s.exclusive;
  q.grid_ratio = s.grid_ratio;
  q.recheck_above = s.recheck_above;
  return q;
}

void check(const BaseBoundSettings& s, std::uint64_t) { base_query(s); }

void compute(const BaseBoundSettings& s, std::uint64_t, results::RunRecord& r) {
  using namespace base_bound;
  const BaseBound b = minimal_base(base_query(s));
  if (!b.found) throw InputError("no feasible base up to 1e15");
  std::vector<double> windows;
  for (const BaseInterval& w : b.infeasible_above) windows.insert(windows.end(), {w.from, w.to});
  r.datasets.push_back(scalar_number(kBase, b.base));
  r.datasets.push_back(scalar_number(kInfeasibleBelow, b.infeasible_below));
  r.datasets.push_back(scalar_integer(kFeasibleAtSearchStart, b.feasible_at_search_start ? 1 : 0));
  r.datasets.push_back(scalar_integer(kMaxDistance, b.max_distance));
  r.datasets.push_back(scalar_integer(kBasesEvaluated, b.grid_points));
  r.datasets.push_back(numbers(kInfeasibleAbove, windows, {static_cast<std::int64_t>(b.infeasible_above.size()), 2}));
}

double work(const BaseBoundSettings& s) {
  return static_cast<double>(s.context_length) * static_cast<double>(s.head_dim / 2);
}

// The grid walk evaluates some 10^4 bases, most rejected early: 3-7e-7 s per unit of work
// measured over paper.toml's units (docs/perf.md).
double cost(const BaseBoundSettings& s) { return 5e-7 * work(s); }

}  // namespace

const Kind& base_bound_kind() {
  using namespace base_bound;
  static const KindOf<BaseBoundSettings> kind(
      "base-bound", "smallest RoPE base with B_b(m) >= 0 up to the context length", {"context_length"},
      {kBase, kInfeasibleBelow, kFeasibleAtSearchStart, kMaxDistance, kBasesEvaluated, kInfeasibleAbove}, check,
      compute, nullptr, work, cost);
  return kind;
}

}  // namespace hopelab::kinds
