#include "sim/engines.h"

#include "sim/backend.h"
#include "sim/preference_sweep.h"

namespace hopelab {

Engines this_build_engines() {
  Engines e;
  e.name = backend_name();
  e.describe_device = describe_device;
  e.preference_sweep = preference_sweep;
  e.accumulate_pair_products = accumulate_pair_products;
  e.estimate_preference = estimate_preference;
  e.estimate_win_probability = estimate_win_probability;
  e.estimate_retrieval = estimate_retrieval;
  e.measure_fma_peak_float = measure_fma_peak_float;
  e.measure_fma_peak_double = measure_fma_peak_double;
  return e;
}

}  // namespace hopelab
