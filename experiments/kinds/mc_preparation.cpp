#include "kinds/mc_preparation.h"

#include <utility>

#include "kinds/kind_support.h"
#include "results/empirical_pool.h"
#include "sim/backend_registry.h"

namespace hopelab::kinds {

PreparedMc prepare_mc(const params::MethodParams& method, const params::OffsetParams& offsets,
                      const params::SamplingParams& sampling, std::uint64_t seed) {
  PreparedMc p{params::build_method(method), {}, {}, {}, {}, params::parse_precision(sampling.precision)};
  p.grid = params::offset_grid(offsets, p.method);
  const int d = p.method.spectrum.head_dim;
  p.cfg = params::sampling_of(sampling, seed, d);
  if (p.cfg.law == ComponentLaw::empirical) {
    const params::EmpiricalSpec spec = params::parse_empirical_spec(sampling.dist);
    for (size_t k = 0; k < spec.datasets.size(); ++k) {
      EmpiricalPool pool = read_empirical_pool(spec.file, spec.datasets[k], d);
      p.pools.push_back({pool.dataset, pool.rows, pool_checksum(pool.values)});
      (k == 0 ? p.cfg.query_pool : p.cfg.key_pool) = std::move(pool.values);
    }
  } else {
    p.variances = sampling.scale.variances.empty() ? component_variances(p.cfg, d) : sampling.scale.variances;
  }
  validate_sampling(p.method, p.cfg);
  return p;
}

std::vector<double> closed_form_preference(const PreparedMc& p) {
  if (p.cfg.law == ComponentLaw::empirical) {
    return preference_from_pair_products(p.method, expected_pair_products(p.method, p.cfg), p.grid.offsets);
  }
  return current_backend().preference_sweep(p.method, p.grid.offsets, pair_weights(p.method, p.variances));
}

void append_pool_attributes(const PreparedMc& p, results::RunRecord& r) {
  for (size_t k = 0; k < p.pools.size(); ++k) {
    r.attributes.push_back(attribute(k == 0 ? kQueryPoolRows : kKeyPoolRows, p.pools[k].rows));
    r.attributes.push_back(attribute(k == 0 ? kQueryPoolChecksum : kKeyPoolChecksum, p.pools[k].checksum));
  }
}

}  // namespace hopelab::kinds
