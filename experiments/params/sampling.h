#pragma once
// How a Monte Carlo kind draws q, k and k* (sim/sampling.h): samples, seed, the component law
// and the phase precision. sampling_of builds sim's PreferenceSampling from it.

#include <cstdint>
#include <optional>
#include <string>

#include "params/field.h"
#include "sim/sampling.h"

namespace hopelab::params {

struct SamplingParams {
  std::int64_t samples = 100000;
  std::optional<std::int64_t> seed;  // default: the experiment's seed
  double sigma = 1.0, mu = 0.0, eps = 1.0;
  std::string dist = "gaussian";
  std::string precision = "fp64";
};

template <class V>
void visit_fields(SamplingParams& p, V&& v) {
  v(Field{"samples", "1", at_least(2), "samples N"}, p.samples);
  v(Field{"seed", "1", at_least(0), "Philox seed of this run (default: [experiment] seed)"}, p.seed);
  v(Field{"sigma", "1", above(0), "standard deviation of q and k components"}, p.sigma);
  v(Field{"mu", "1", any(), "common mean of q and k components"}, p.mu);
  v(Field{"eps", "1", any(), "k* - q in units of each component's scale"}, p.eps);
  v(Field{"dist", "", words("gaussian, student-t:NU"), "component law"}, p.dist);
  v(Field{"precision", "", words("fp64, fp32"), "rotation phases in float64 or float32 (theory stays exact)"},
    p.precision);
}

inline SamplingParams sampling_with(std::int64_t samples) {
  SamplingParams p;
  p.samples = samples;
  return p;
}

// sim's sampling settings with the unit's effective seed. Throws InputError naming a bad law.
PreferenceSampling sampling_of(const SamplingParams& p, std::uint64_t seed);

}  // namespace hopelab::params
