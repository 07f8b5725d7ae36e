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

const float* data(const TensorMap& w, const std::string& name) { return w.at(name).data.data(); }

LinearWeights linear_of(const TensorMap& w, const std::string& prefix, bool bias) {
  const Tensor& t = w.at(prefix + ".weight");
  LinearWeights l;
  l.weight = t.data.data();
  l.bias = bias ? data(w, prefix + ".bias") : nullptr;
  l.out = static_cast<int>(t.shape[0]);
  l.in = static_cast<int>(t.numel() / t.shape[0]);  // (E, C, T_p, p, p) reads as (E, C T_p p p)
  return l;
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

VisionWeights vision_weights(const VlmConfig& config, const TensorMap& w) {
  VisionWeights v;
  v.patch_embed = linear_of(w, "visual.patch_embed.proj", false);
  for (int i = 0; i < config.vision.depth; ++i) {
    const std::string p = "visual.blocks." + std::to_string(i) + ".";
    v.blocks.push_back({data(w, p + "norm1.weight"), data(w, p + "norm1.bias"), linear_of(w, p + "attn.qkv", true),
                        linear_of(w, p + "attn.proj", true), data(w, p + "norm2.weight"), data(w, p + "norm2.bias"),
                        linear_of(w, p + "mlp.fc1", true), linear_of(w, p + "mlp.fc2", true)});
  }
  v.ln_q_weight = data(w, "visual.merger.ln_q.weight");
  v.ln_q_bias = data(w, "visual.merger.ln_q.bias");
  v.mlp0 = linear_of(w, "visual.merger.mlp.0", true);
  v.mlp2 = linear_of(w, "visual.merger.mlp.2", true);
  return v;
}

LanguageWeights language_weights(const VlmConfig& config, const TensorMap& w) {
  LanguageWeights l;
  l.embed = data(w, "model.embed_tokens.weight");
  for (int i = 0; i < config.num_hidden_layers; ++i) {
    const std::string p = "model.layers." + std::to_string(i) + ".";
    l.layers.push_back({data(w, p + "input_layernorm.weight"), linear_of(w, p + "self_attn.q_proj", true),
                        linear_of(w, p + "self_attn.k_proj", true), linear_of(w, p + "self_attn.v_proj", true),
                        linear_of(w, p + "self_attn.o_proj", false), data(w, p + "post_attention_layernorm.weight"),
                        linear_of(w, p + "mlp.gate_proj", false), linear_of(w, p + "mlp.up_proj", false),
                        linear_of(w, p + "mlp.down_proj", false)});
  }
  l.final_norm = data(w, "model.norm.weight");
  l.lm_head = linear_of(w, config.tie_word_embeddings ? "model.embed_tokens" : "lm_head", false);
  return l;
}

}  // namespace hopelab
