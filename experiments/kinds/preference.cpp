#include "kinds/preference.h"

#include "kinds/kind_support.h"
#include "params/offsets.h"
#include "theory/preference.h"

namespace hopelab::kinds {

namespace {

// w_i = 2 sigma^2, or s2[a_i] + s2[b_i] with the given variances. Throws InputError.
std::vector<double> weights(const PreferenceSettings& s, const Method& m) {
  params::check_variance_count(s.scale, m.spectrum.head_dim);
  return s.scale.variances.empty() ? pair_weights(m, s.scale.sigma) : pair_weights(m, s.scale.variances);
}

void check(const PreferenceSettings& s, std::uint64_t) {
  const Method m = params::build_method(s.method);
  params::offset_grid(s.offsets, m);
  weights(s, m);
}

void compute(const PreferenceSettings& s, std::uint64_t, results::RunRecord& r) {
  using namespace preference;
  const Method m = params::build_method(s.method);
  const params::OffsetGrid grid = params::offset_grid(s.offsets, m);
  const std::vector<double> w = weights(s, m);
  std::vector<double> value, by_axis;
  for (const Offset3& o : grid.offsets) {
    const Preference p = expected_preference(m, o, w);
    value.push_back(p.total);
    by_axis.insert(by_axis.end(), p.by_axis.begin(), p.by_axis.end());
  }
  const auto rows = static_cast<std::int64_t>(grid.offsets.size());
  append_offset_datasets(grid, r);
  r.datasets.push_back(numbers(kValue, value));
  r.datasets.push_back(numbers(kByAxis, by_axis, {rows, 3}));
}

}  // namespace

void append_offset_datasets(const params::OffsetGrid& grid, results::RunRecord& r) {
  std::vector<double> flat;  // (M, 3)
  for (const Offset3& o : grid.offsets) flat.insert(flat.end(), {o.t, o.h, o.w});
  r.datasets.push_back(numbers(preference::kOffsets, flat, {static_cast<std::int64_t>(grid.offsets.size()), 3}));
  r.datasets.push_back(numbers(preference::kDistance, grid.distance, {}, grid.distance_unit.c_str()));
}

namespace {

double work(const PreferenceSettings& s) {
  return static_cast<double>(params::offset_count(s.offsets)) * static_cast<double>(s.method.head_dim / 2);
}

}  // namespace

const Kind& preference_kind() {
  using namespace preference;
  static const KindOf<PreferenceSettings> kind("preference", "closed-form expected preference D at each offset",
                                               {"method"}, {kOffsets, kDistance, kValue, kByAxis}, check, compute,
                                               nullptr, work);
  return kind;
}

}  // namespace hopelab::kinds
