#pragma once
// [experiment] of a spec: its name (the default output file), the seed of every unit and the
// Monte Carlo budget factor, the work limit of its units (params/work_limit.h) and the backend
// that computes them (sim/backend_registry.h).

#include <cstdint>
#include <string>

#include "params/field.h"
#include "params/work_limit.h"

namespace hopelab::params {

struct ExperimentParams {
  std::string name;  // required
  std::int64_t seed = 0;
  std::string description;
  std::int64_t samples_factor = 1;
  double max_work = kDefaultMaxWork;
  std::string backend = "auto";
};

template <class V>
void visit_fields(ExperimentParams& p, V&& v) {
  v(Field{"name", "", words("[A-Za-z0-9._-]+"), "experiment name (required): default output data/results/<name>.h5"},
    p.name);
  v(Field{"seed", "1", at_least(0), "Philox seed of every Monte Carlo unit (a run's seed overrides)"}, p.seed);
  v(Field{"description", "", any(), "free text"}, p.description);
  v(Field{"samples_factor", "1", at_least(1),
          "budget: every Monte Carlo unit draws its samples times this (hopelab run --samples-factor)"},
    p.samples_factor);
  v(Field{"max_work", "pair evaluation", at_least(1),
          "work limit of each unit (docs/usage.md \"Work limit\"): raise it for a unit that means it"},
    p.max_work);
  v(Field{"backend", "", words("auto, cpu or cuda"),
          "where Monte Carlo and model computations run: cuda (the GPU), cpu (OpenMP), or auto (cuda when a "
          "CUDA device and this build's CUDA backend are there, else cpu)"},
    p.backend);
}

}  // namespace hopelab::params
