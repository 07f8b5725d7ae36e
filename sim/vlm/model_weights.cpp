#include "sim/vlm/model_weights.h"

#include <cmath>
#include <set>
#include <string>

#include "sim/vlm/parameters.h"
#include "theory/input_error.h"

namespace hopelab {
namespace {

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + ")";
}

}  // namespace

void validate_weights(const VlmConfig& config, const TensorMap& weights) {
  std::set<std::string> expected;
  for (const ParameterSpec& spec : expected_parameters(config)) {
    expected.insert(spec.name);
    const auto it = weights.find(spec.name);
    if (it == weights.end()) {
      throw InputError("missing tensor '" + spec.name + "' (expected shape " + shape_text(spec.shape) + ")");
    }
    const Tensor& t = it->second;
    if (t.shape != spec.shape) {
      throw InputError("tensor '" + spec.name + "' has shape " + shape_text(t.shape) + ", expected " +
                       shape_text(spec.shape));
    }
    if (static_cast<std::int64_t>(t.data.size()) != t.numel()) {
      throw InputError("tensor '" + spec.name + "' holds " + std::to_string(t.data.size()) + " values, its shape " +
                       shape_text(t.shape) + " needs " + std::to_string(t.numel()));
    }
    for (std::size_t i = 0; i < t.data.size(); ++i) {
      if (!std::isfinite(t.data[i])) {
        throw InputError("tensor '" + spec.name + "' has a non-finite value " + std::to_string(t.data[i]) +
                         " at flat index " + std::to_string(i));
      }
    }
  }
  for (const auto& entry : weights) {
    if (expected.count(entry.first) == 0) {
      throw InputError("unexpected tensor '" + entry.first + "' (not a parameter of this config)");
    }
  }
}

LinearWeights linear_view(const TensorMap& w, const std::string& prefix, bool bias) {
  const Tensor& t = w.at(prefix + ".weight");
  LinearWeights l;
  l.weight = t.data.data();
  l.bias = bias ? w.at(prefix + ".bias").data.data() : nullptr;
  l.out = static_cast<int>(t.shape[0]);
  l.in = static_cast<int>(t.numel() / t.shape[0]);  // (E, C, T_p, p, p) reads as (E, C T_p p p)
  return l;
}

}  // namespace hopelab
