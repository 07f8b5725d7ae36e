#pragma once
// Random initial weights of a Qwen2-VL-architecture model, for tests and benchmarks (no training).
// Laws (Hugging Face's initializer_range 0.02): Linear weights and biases, the patch embedding and
// the token embedding N(0, 0.02^2); norm weights 1 + N(0, 0.1^2), norm biases N(0, 0.02^2).

#include <cstdint>
#include <string>

#include "sim/vlm/tensor.h"
#include "sim/vlm/vlm_config.h"

namespace hopelab {

// Deterministic: element e of the parameter at index p of expected_parameters(config) is the
// normal (e % 2) of kernels/normal.h's normal_pair(seed, stream p, sample e / 2, draw 0), computed
// in double and rounded to float. So a value depends only on (seed, parameter index, element):
// not on threads or platform (up to last-bit differences of libm's log / cos / sin).
// A norm is a parameter whose module name (the component before .weight / .bias) contains "norm"
// or is "ln_q" (the merger's LayerNorm).
TensorMap random_weights(const VlmConfig& config, std::uint64_t seed);

// The standard deviation and mean random_weights draws a parameter from (for tests).
struct WeightLaw {
  double mean = 0.0;
  double stddev = 0.02;
};
WeightLaw random_weight_law(const std::string& name);

}  // namespace hopelab
