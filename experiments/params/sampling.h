#pragma once
// How a Monte Carlo kind draws q, k and k* (sim/sampling.h): samples, seed, the components'
// scale (sigma, or per-dimension variances), the component law (gaussian, Student-t, or rows of
// empirical pools) and the phase precision. sampling_of builds sim's PreferenceSampling from it.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "params/field.h"
#include "sim/sampling.h"

namespace hopelab::params {

// sigma's range: above 0, sigma^2 at most 1e200 as the variances are, so that sums over samples
// and dimensions of their products stay finite.
inline constexpr Range kSigmaRange{0, 1e100, true, false, nullptr};

// The scale of q's and k's components: sigma for every one, or one variance per dimension.
struct ScaleParams {
  double sigma = 1.0;
  std::vector<double> variances;  // (d), or empty (absent): sigma^2 for every component
};

template <class V>
void visit_fields(ScaleParams& p, V&& v) {
  v(Field{"sigma", "1", kSigmaRange, "standard deviation of q and k components"}, p.sigma);
  v(Field{"variances", "1", closed(0, 1e200), "per-dimension variances of q and k, d values (replaces sigma)"},
    p.variances);
}

// Throws InputError unless the variances, when given, are `head_dim` values (the error lists them).
void check_variance_count(const ScaleParams& p, int head_dim);

struct SamplingParams {
  std::int64_t samples = 100000;
  std::optional<std::int64_t> seed;  // default: the experiment's seed
  ScaleParams scale;
  double mu = 0.0, eps = 1.0;
  std::string dist = "gaussian";
  std::string precision = "fp64";
  std::string normals = "fp64";
  // Not a field: the fields a spec or the command line wrote (mark_given); sigma, mu and
  // variances given beside the empirical law are refused whatever their values (sampling_of).
  GivenFields given;
};

// Records the fields of p that a spec's run or the command line wrote (SamplingParams::given).
inline void mark_given(SamplingParams& p, GivenFields given) { p.given = std::move(given); }

template <class V>
void visit_fields(SamplingParams& p, V&& v) {
  v(Field{"samples", "1", at_least(2), "samples N"}, p.samples);
  v(Field{"seed", "1", at_least(0), "Philox seed of this run (default: [experiment] seed)"}, p.seed);
  visit_fields(p.scale, v);
  v(Field{"mu", "1", any(), "common mean of q and k components"}, p.mu);
  v(Field{"eps", "1", any(), "k* - q in units of each component's scale"}, p.eps);
  v(Field{"dist", "", words("gaussian, student-t:NU, empirical:FILE.h5:/queries[:/keys]"),
          "component law (empirical: q, k uniform rows of (n, d) pools; sigma, mu, variances unset)"},
    p.dist);
  v(Field{"precision", "", words("fp64, fp32"), "rotation phases in float64 or float32 (theory stays exact)"},
    p.precision);
  v(Field{"normals", "", words("fp64, fp32"),
          "normal components by Box-Muller in float64 (the oracle) or in float32, vectorised (other numbers, same law)"},
    p.normals);
}

inline SamplingParams sampling_with(std::int64_t samples) {
  SamplingParams p;
  p.samples = samples;
  return p;
}

// The empirical law's pools as `dist` names them: `empirical:FILE:/queries` or
// `empirical:FILE:/queries:/keys`. FILE is the text up to the first ":/"; each dataset path starts
// with '/'. results/empirical_pool.h reads them.
struct EmpiricalSpec {
  std::string file;
  std::vector<std::string> datasets;  // 1 or 2: queries, then keys
};

// Whether `dist` asks for the empirical law (starts with "empirical:").
bool is_empirical_spec(const std::string& dist);

// Throws InputError for a malformed spec, naming it.
EmpiricalSpec parse_empirical_spec(const std::string& dist);

// sim's sampling settings with the unit's effective seed: the law of `dist`, sigma or the scales
// sqrt(variances). The empirical law's pools are left for the caller to read (cfg.query_pool and
// key_pool empty). Throws InputError naming a bad law, variances that are not head_dim values, or
// sigma, mu or variances set (given, or other than their defaults) beside the empirical law (its
// pools set the means and scales).
PreferenceSampling sampling_of(const SamplingParams& p, std::uint64_t seed, int head_dim);

}  // namespace hopelab::params
