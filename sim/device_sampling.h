#pragma once
// A PreferenceSampling on the backend's device: its per-dimension scales and empirical pools
// copied into thrust::device_vector, and the SamplingParams that point at them, for the
// engines' kernels. Needs Thrust, so only sim/*.cpp include it (each backend compiles its own).

#include <thrust/device_vector.h>

#include "sim/sampling.h"

namespace hopelab {

class DeviceSampling {
 public:
  // Copies component_scales(cfg, head_dim) and cfg's pools (empirical law) to the device.
  // cfg must already be valid (validate_sampling).
  DeviceSampling(const PreferenceSampling& cfg, int head_dim);
  DeviceSampling(const DeviceSampling&) = delete;
  DeviceSampling& operator=(const DeviceSampling&) = delete;

  // Valid while this object lives.
  const SamplingParams& params() const { return params_; }

 private:
  thrust::device_vector<double> scales_;      // (d)
  thrust::device_vector<double> query_pool_;  // (n_q, d), or empty
  thrust::device_vector<double> key_pool_;    // (n_k, d), or empty
  SamplingParams params_;
};

}  // namespace hopelab
