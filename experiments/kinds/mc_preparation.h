#pragma once
// What the Monte Carlo kinds over offsets (mc-preference, mc-win-prob) build before sampling:
// the method, its offsets, sim's sampling settings and the phase precision, checked.

#include "params/distances.h"
#include "params/method.h"
#include "params/offsets.h"
#include "params/sampling.h"
#include "sim/preference_sweep.h"

namespace hopelab::kinds {

struct PreparedMc {
  Method method;
  params::OffsetGrid grid;
  PreferenceSampling cfg;
  PhasePrecision precision;
};

template <class S>
PreparedMc prepare_mc(const S& s, std::uint64_t seed) {
  PreparedMc p{params::build_method(s.method), {}, params::sampling_of(s.sampling, seed),
               params::parse_precision(s.sampling.precision)};
  p.grid = params::offset_grid(s.offsets, p.method);
  validate_sampling(p.method, p.cfg);
  return p;
}

// The closed-form expected preference at the offsets under the sampling's component law.
inline std::vector<double> closed_form_preference(const PreparedMc& p) {
  return preference_sweep(p.method, p.grid.offsets,
                          pair_weights(p.method, component_variances(p.cfg, p.method.spectrum.head_dim)));
}

}  // namespace hopelab::kinds
