#include "sim/vlm/random_weights.h"

#include <string>

#include "kernels/normal.h"
#include "sim/vlm/parameters.h"

namespace hopelab {
namespace {

constexpr double kInitializerRange = 0.02;  // HF Qwen2VLConfig.initializer_range
constexpr double kNormWeightSpread = 0.1;   // norm weights 1 + N(0, 0.1^2), so tests see them

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// "model.layers.0.input_layernorm.weight" -> "input_layernorm".
std::string module_name(const std::string& name) {
  const size_t last = name.rfind('.');
  if (last == std::string::npos) return std::string();
  const size_t before = name.rfind('.', last - 1);
  const size_t begin = before == std::string::npos ? 0 : before + 1;
  return name.substr(begin, last - begin);
}

}  // namespace

WeightLaw random_weight_law(const std::string& name) {
  const std::string module = module_name(name);
  const bool norm = module.find("norm") != std::string::npos || module == "ln_q";
  if (norm && ends_with(name, ".weight")) return {1.0, kNormWeightSpread};
  return {0.0, kInitializerRange};
}

TensorMap random_weights(const VlmConfig& config, std::uint64_t seed) {
  TensorMap weights;
  const std::vector<ParameterSpec> specs = expected_parameters(config);
  for (size_t p = 0; p < specs.size(); ++p) {
    const WeightLaw law = random_weight_law(specs[p].name);
    Tensor tensor;
    tensor.shape = specs[p].shape;
    const std::int64_t n = tensor.numel();
    tensor.data.resize(static_cast<size_t>(n));
    const auto stream = static_cast<std::uint32_t>(p);
#pragma omp parallel for schedule(static)
    for (std::int64_t pair = 0; pair < (n + 1) / 2; ++pair) {
      const VariatePair<double> z = normal_pair(seed, stream, static_cast<std::uint64_t>(pair), 0);
      const std::int64_t e = 2 * pair;
      tensor.data[static_cast<size_t>(e)] = static_cast<float>(law.mean + law.stddev * z.first);
      if (e + 1 < n) tensor.data[static_cast<size_t>(e + 1)] = static_cast<float>(law.mean + law.stddev * z.second);
    }
    weights.emplace(specs[p].name, std::move(tensor));
  }
  return weights;
}

}  // namespace hopelab
