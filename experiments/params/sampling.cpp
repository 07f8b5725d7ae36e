#include "params/sampling.h"

#include "theory/input_error.h"
#include "theory/text_parse.h"

namespace hopelab::params {

PreferenceSampling sampling_of(const SamplingParams& p, std::uint64_t seed) {
  PreferenceSampling cfg;
  cfg.seed = seed;
  cfg.samples = p.samples;
  cfg.sigma = p.sigma;
  cfg.mu = p.mu;
  cfg.eps = p.eps;
  const std::string prefix = "student-t:";
  if (p.dist == "gaussian") {
    cfg.law = ComponentLaw::gaussian;
  } else if (p.dist.rfind(prefix, 0) == 0) {
    cfg.law = ComponentLaw::student_t;
    cfg.nu = parse_finite_number(p.dist.substr(prefix.size()), "dist student-t degrees of freedom");
  } else {
    throw InputError("dist must be gaussian or student-t:NU, got '" + p.dist + "'");
  }
  return cfg;
}

}  // namespace hopelab::params
