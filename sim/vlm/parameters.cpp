#include "sim/vlm/parameters.h"

namespace hopelab {
namespace {

void vision_parameters(const VisionConfig& v, std::vector<ParameterSpec>* out) {
  const std::int64_t e = v.embed_dim;
  const std::int64_t mlp = e * v.mlp_ratio;
  const std::int64_t merged = v.merge_width();
  out->push_back({"visual.patch_embed.proj.weight",
                  {e, v.in_chans, v.temporal_patch_size, v.patch_size, v.patch_size}});
  for (int i = 0; i < v.depth; ++i) {
    const std::string p = "visual.blocks." + std::to_string(i) + ".";
    out->push_back({p + "norm1.weight", {e}});
    out->push_back({p + "norm1.bias", {e}});
    out->push_back({p + "attn.qkv.weight", {3 * e, e}});
    out->push_back({p + "attn.qkv.bias", {3 * e}});
    out->push_back({p + "attn.proj.weight", {e, e}});
    out->push_back({p + "attn.proj.bias", {e}});
    out->push_back({p + "norm2.weight", {e}});
    out->push_back({p + "norm2.bias", {e}});
    out->push_back({p + "mlp.fc1.weight", {mlp, e}});
    out->push_back({p + "mlp.fc1.bias", {mlp}});
    out->push_back({p + "mlp.fc2.weight", {e, mlp}});
    out->push_back({p + "mlp.fc2.bias", {e}});
  }
  out->push_back({"visual.merger.ln_q.weight", {e}});
  out->push_back({"visual.merger.ln_q.bias", {e}});
  out->push_back({"visual.merger.mlp.0.weight", {merged, merged}});
  out->push_back({"visual.merger.mlp.0.bias", {merged}});
  out->push_back({"visual.merger.mlp.2.weight", {v.hidden_size, merged}});
  out->push_back({"visual.merger.mlp.2.bias", {v.hidden_size}});
}

void language_parameters(const VlmConfig& c, std::vector<ParameterSpec>* out) {
  const std::int64_t h = c.hidden_size;
  const std::int64_t q = static_cast<std::int64_t>(c.num_attention_heads) * c.head_dim();
  const std::int64_t kv = static_cast<std::int64_t>(c.num_key_value_heads) * c.head_dim();
  const std::int64_t inter = c.intermediate_size;
  out->push_back({"model.embed_tokens.weight", {c.vocab_size, h}});
  for (int i = 0; i < c.num_hidden_layers; ++i) {
    const std::string p = "model.layers." + std::to_string(i) + ".";
    out->push_back({p + "input_layernorm.weight", {h}});
    out->push_back({p + "self_attn.q_proj.weight", {q, h}});
    out->push_back({p + "self_attn.q_proj.bias", {q}});
    out->push_back({p + "self_attn.k_proj.weight", {kv, h}});
    out->push_back({p + "self_attn.k_proj.bias", {kv}});
    out->push_back({p + "self_attn.v_proj.weight", {kv, h}});
    out->push_back({p + "self_attn.v_proj.bias", {kv}});
    out->push_back({p + "self_attn.o_proj.weight", {h, q}});
    out->push_back({p + "post_attention_layernorm.weight", {h}});
    out->push_back({p + "mlp.gate_proj.weight", {inter, h}});
    out->push_back({p + "mlp.up_proj.weight", {inter, h}});
    out->push_back({p + "mlp.down_proj.weight", {h, inter}});
  }
  out->push_back({"model.norm.weight", {h}});
  if (!c.tie_word_embeddings) out->push_back({"lm_head.weight", {c.vocab_size, h}});
}

}  // namespace

std::vector<ParameterSpec> expected_parameters(const VlmConfig& config) {
  std::vector<ParameterSpec> out;
  vision_parameters(config.vision, &out);
  language_parameters(config, &out);
  return out;
}

}  // namespace hopelab
