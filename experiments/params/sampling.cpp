#include "params/sampling.h"

#include <cmath>

#include "theory/input_error.h"
#include "theory/text_parse.h"

namespace hopelab::params {

namespace {

const std::string kEmpiricalPrefix = "empirical:";

// "1,2,3" of the values as given.
std::string listed(const std::vector<double>& values) {
  std::string text;
  for (size_t k = 0; k < values.size(); ++k) text += (k ? "," : "") + number_name(values[k]);
  return text;
}

}  // namespace

void check_variance_count(const ScaleParams& p, int head_dim) {
  if (!p.variances.empty() && static_cast<int>(p.variances.size()) != head_dim) {
    throw InputError("variances needs d = " + std::to_string(head_dim) + " values, got " +
                     std::to_string(p.variances.size()) + ": " + listed(p.variances));
  }
}

bool is_empirical_spec(const std::string& dist) { return dist.rfind(kEmpiricalPrefix, 0) == 0; }

EmpiricalSpec parse_empirical_spec(const std::string& dist) {
  const std::string usage =
      "dist empirical needs empirical:FILE.h5:/dataset or empirical:FILE.h5:/queries:/keys, got '" + dist + "'";
  if (!is_empirical_spec(dist)) throw InputError(usage);
  const std::string rest = dist.substr(kEmpiricalPrefix.size());
  const size_t split = rest.find(":/");
  if (split == std::string::npos || split == 0) throw InputError(usage);
  EmpiricalSpec spec{rest.substr(0, split), {}};
  size_t start = split + 1;  // at the '/' of the first dataset
  while (true) {
    const size_t next = rest.find(":/", start);
    spec.datasets.push_back(rest.substr(start, next == std::string::npos ? std::string::npos : next - start));
    if (next == std::string::npos) break;
    start = next + 1;
  }
  if (spec.datasets.size() > 2) throw InputError(usage + " (at most two datasets: queries, keys)");
  return spec;
}

PreferenceSampling sampling_of(const SamplingParams& p, std::uint64_t seed, int head_dim) {
  PreferenceSampling cfg;
  cfg.seed = seed;
  cfg.samples = p.samples;
  cfg.sigma = p.scale.sigma;
  cfg.mu = p.mu;
  cfg.eps = p.eps;
  if (p.normals != "fp64" && p.normals != "fp32") {
    throw InputError("normals must be fp64 or fp32, got '" + p.normals + "'");
  }
  cfg.normals = p.normals == "fp32" ? NormalPrecision::fp32 : NormalPrecision::fp64;
  const std::string student_t = "student-t:";
  if (p.dist == "gaussian") {
    cfg.law = ComponentLaw::gaussian;
  } else if (p.dist.rfind(student_t, 0) == 0) {
    cfg.law = ComponentLaw::student_t;
    cfg.nu = parse_finite_number(p.dist.substr(student_t.size()), "dist student-t degrees of freedom");
  } else if (is_empirical_spec(p.dist)) {
    parse_empirical_spec(p.dist);
    cfg.law = ComponentLaw::empirical;
    const SamplingParams defaults;
    const char* readers = "the gaussian and student-t laws";
    for (const FieldUse& use : with_given({{"sigma", p.scale.sigma != defaults.scale.sigma, false,
                                            value_text(p.scale.sigma), readers},
                                           {"mu", p.mu != defaults.mu, false, value_text(p.mu), readers},
                                           {"variances", !p.scale.variances.empty(), false,
                                            value_text(p.scale.variances), readers}},
                                          p.given)) {
      if (use.set) {
        throw InputError(std::string(use.field) + " cannot be set beside dist empirical: the pool sets the means " +
                         "and scales ('" + p.dist + "')");
      }
    }
    return cfg;
  } else {
    throw InputError("dist must be gaussian, student-t:NU or empirical:FILE.h5:/dataset, got '" + p.dist + "'");
  }
  check_variance_count(p.scale, head_dim);
  for (double v : p.scale.variances) cfg.scales.push_back(std::sqrt(v));
  return cfg;
}

}  // namespace hopelab::params
