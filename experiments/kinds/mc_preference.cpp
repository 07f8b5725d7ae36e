#include "kinds/mc_preference.h"

#include <cmath>

#include "kinds/kind_support.h"
#include "kinds/mc_preparation.h"
#include "kinds/preference.h"
#include "sim/backend_registry.h"
#include "theory/sidak.h"

namespace hopelab::kinds {

namespace {

void check(const McPreferenceSettings& s, std::uint64_t seed) { prepare_mc(s, seed); }

void compute(const McPreferenceSettings& s, std::uint64_t seed, results::RunRecord& r) {
  using namespace mc_preference;
  const PreparedMc p = prepare_mc(s, seed);
  const Engines& backend = current_backend();
  const std::vector<PreferenceEstimate> mc =
      backend.estimate_preference(p.method, backend.accumulate_pair_products(p.method, p.cfg), p.grid.offsets, p.precision);
  const std::vector<double> theory = closed_form_preference(p);
  const double z_bound = sidak_z(s.family_level, mc.size());
  std::vector<double> mean, se, n, z;
  std::vector<std::int64_t> verdict;
  for (size_t j = 0; j < mc.size(); ++j) {
    mean.push_back(mc[j].mean);
    se.push_back(mc[j].standard_error);
    n.push_back(mc[j].n);
    z.push_back(mc[j].standard_error > 0 ? (mc[j].mean - theory[j]) / mc[j].standard_error : 0.0);
    verdict.push_back(std::fabs(z.back()) <= z_bound ? 1 : 0);
  }
  r.attributes.push_back({"z_bound", z_bound});
  append_pool_attributes(p, r);
  append_offset_datasets(p.grid, r);
  r.datasets.push_back(numbers(kMean, mean));
  r.datasets.push_back(numbers(kStandardError, se));
  r.datasets.push_back(numbers(kN, n));
  r.datasets.push_back(numbers(kTheory, theory));
  r.datasets.push_back(numbers(kZ, z));
  r.datasets.push_back(integers(kVerdict, verdict));
}

std::int64_t& samples(McPreferenceSettings& s) { return s.sampling.samples; }

double work(const McPreferenceSettings& s) {
  return static_cast<double>(s.sampling.samples) * static_cast<double>(params::offset_count(s.offsets)) * static_cast<double>(s.method.head_dim / 2);
}

}  // namespace

const Kind& mc_preference_kind() {
  using namespace mc_preference;
  static const KindOf<McPreferenceSettings> kind(
      "mc-preference", "Monte Carlo semantic preference at each offset beside the closed form", {"method"},
      {preference::kOffsets, preference::kDistance, kMean, kStandardError, kN, kTheory, kZ, kVerdict}, check, compute,
      samples, work);
  return kind;
}

}  // namespace hopelab::kinds
