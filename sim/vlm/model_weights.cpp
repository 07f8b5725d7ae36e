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

void require_positive(const char* name, long long value) {
  if (value <= 0) throw InputError(std::string("config ") + name + " must be positive, got " + std::to_string(value));
}

void require_token(const VlmConfig& c, const char* name, std::int64_t id) {
  if (id < 0 || id >= c.vocab_size) {
    throw InputError(std::string("config ") + name + " = " + std::to_string(id) + " is outside the vocabulary [0, " +
                     std::to_string(c.vocab_size) + ")");
  }
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

void validate_config(const VlmConfig& c) {
  require_positive("vocab_size", c.vocab_size);
  require_positive("hidden_size", c.hidden_size);
  require_positive("intermediate_size", c.intermediate_size);
  require_positive("num_hidden_layers", c.num_hidden_layers);
  require_positive("num_attention_heads", c.num_attention_heads);
  require_positive("num_key_value_heads", c.num_key_value_heads);
  if (c.hidden_size % c.num_attention_heads != 0 || c.head_dim() % 2 != 0) {
    throw InputError("config hidden_size " + std::to_string(c.hidden_size) + " must be an even head dim times " +
                     "num_attention_heads " + std::to_string(c.num_attention_heads));
  }
  if (c.num_attention_heads % c.num_key_value_heads != 0) {
    throw InputError("config num_key_value_heads " + std::to_string(c.num_key_value_heads) +
                     " must divide num_attention_heads " + std::to_string(c.num_attention_heads));
  }
  if (!(c.rms_norm_eps > 0.0)) throw InputError("config rms_norm_eps must be positive, got " + std::to_string(c.rms_norm_eps));
  const VisionConfig& v = c.vision;
  require_positive("vision_config.depth", v.depth);
  require_positive("vision_config.embed_dim", v.embed_dim);
  require_positive("vision_config.num_heads", v.num_heads);
  require_positive("vision_config.mlp_ratio", v.mlp_ratio);
  require_positive("vision_config.in_chans", v.in_chans);
  require_positive("vision_config.patch_size", v.patch_size);
  require_positive("vision_config.spatial_merge_size", v.spatial_merge_size);
  require_positive("vision_config.temporal_patch_size", v.temporal_patch_size);
  if (v.embed_dim % v.num_heads != 0 || v.head_dim() % 4 != 0) {
    throw InputError("config vision_config.embed_dim " + std::to_string(v.embed_dim) +
                     " must be num_heads times a head dim divisible by 4 (num_heads " + std::to_string(v.num_heads) + ")");
  }
  if (v.hidden_size != c.hidden_size) {
    throw InputError("config vision_config.hidden_size " + std::to_string(v.hidden_size) + " must equal hidden_size " +
                     std::to_string(c.hidden_size));
  }
  require_token(c, "bos_token_id", c.bos_token_id);
  require_token(c, "eos_token_id", c.eos_token_id);
  require_token(c, "vision_start_token_id", c.vision_start_token_id);
  require_token(c, "vision_end_token_id", c.vision_end_token_id);
  require_token(c, "image_token_id", c.image_token_id);
  require_token(c, "video_token_id", c.video_token_id);
}

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
