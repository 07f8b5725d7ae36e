#pragma once
// Closed-form preference D(Delta) = sum_i w_i cos(phi_i) (theory/preference.h) evaluated at
// many offsets at once, in parallel on the build's backend: Thrust on OpenMP (hopelab_sim) or
// CUDA (hopelab_sim_cuda, same source). Each offset's sum is theory's accumulate_preference.
// Both builds define these same functions; programs reach them through sim/engines.h.

#include <vector>

#include "sim/backend.h"  // backend_name, backend_device_available
#include "theory/method.h"
#include "theory/preference.h"

namespace hopelab {

// D(offsets[j]).total for every j. offsets: (M); weights: (P); returns (M).
// Throws InputError when weights or the allocation do not have the spectrum's P pairs.
std::vector<double> preference_sweep(const Method& method, const std::vector<Offset3>& offsets,
                                     const std::vector<double>& weights);

}  // namespace hopelab
