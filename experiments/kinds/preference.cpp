#include "kinds/preference.h"

#include "kinds/kind_support.h"
#include "theory/preference.h"

namespace hopelab::kinds {

namespace {

void check(const PreferenceSettings& s, std::uint64_t) {
  const Method m = params::build_method(s.method);
  params::offset_grid(s.offsets, m);
}

void compute(const PreferenceSettings& s, std::uint64_t, results::RunRecord& r) {
  using namespace preference;
  const Method m = params::build_method(s.method);
  const params::OffsetGrid grid = params::offset_grid(s.offsets, m);
  std::vector<double> value, by_axis;
  for (const Offset3& o : grid.offsets) {
    const Preference p = expected_preference(m, o, s.sigma);
    value.push_back(p.total);
    by_axis.insert(by_axis.end(), p.by_axis.begin(), p.by_axis.end());
  }
  const auto rows = static_cast<std::int64_t>(grid.offsets.size());
  r.datasets.push_back(offsets_dataset(grid.offsets));
  r.datasets.push_back(numbers(kDistance, grid.distance, {}, grid.distance_unit.c_str()));
  r.datasets.push_back(numbers(kValue, value));
  r.datasets.push_back(numbers(kByAxis, by_axis, {rows, 3}));
}

}  // namespace

results::Dataset offsets_dataset(const std::vector<Offset3>& offsets) {
  std::vector<double> flat;
  for (const Offset3& o : offsets) flat.insert(flat.end(), {o.t, o.h, o.w});
  return numbers(preference::kOffsets, flat, {static_cast<std::int64_t>(offsets.size()), 3});
}

const Kind& preference_kind() {
  using namespace preference;
  static const KindOf<PreferenceSettings> kind("preference", "closed-form expected preference D at each offset",
                                               {"method"}, {kOffsets, kDistance, kValue, kByAxis}, check, compute);
  return kind;
}

}  // namespace hopelab::kinds
