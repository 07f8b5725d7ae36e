#pragma once
// The checked weights of a model: every tensor of expected_parameters (sim/vlm/parameters.h)
// present with its shape and finite values, nothing else; then the weights grouped by layer for
// the vision tower and the language model, as one Ops holds them. Names are Qwen2-VL's
// (docs/vlm.md "Parameters").

#include <string>
#include <vector>

#include "sim/vlm/layer_ops.h"
#include "sim/vlm/tensor.h"
#include "sim/vlm/vlm_config.h"

namespace hopelab {

// Throws InputError naming the tensor: a missing one (with its expected shape), a wrong shape
// (expected and actual), data not matching the shape, an extra tensor, or the first non-finite
// value (index and value).
void validate_weights(const VlmConfig& config, const TensorMap& weights);

// A Linear layer's host view over a checked TensorMap: "<prefix>.weight" (out, in...) read as
// (out, in), "<prefix>.bias" when bias. Points into `weights`.
LinearWeights linear_view(const TensorMap& weights, const std::string& prefix, bool bias);

// The weight views of the graph (sim/vlm/vlm_graph.h) over an Ops: Ops::Param for a vector or
// table, Ops::Linear for a Linear. The host's borrow the TensorMap's data; a device's hold copies.
template <class Ops>
struct VisionBlockWeights {
  typename Ops::Param norm1_weight;  // (E)
  typename Ops::Param norm1_bias;    // (E)
  typename Ops::Linear qkv;          // (3E, E): rows q, k, v
  typename Ops::Linear proj;         // (E, E)
  typename Ops::Param norm2_weight;  // (E)
  typename Ops::Param norm2_bias;    // (E)
  typename Ops::Linear fc1;          // (4E, E)
  typename Ops::Linear fc2;          // (E, 4E)
};

template <class Ops>
struct VisionWeights {
  typename Ops::Linear patch_embed;  // (E, C T_p p p), no bias
  std::vector<VisionBlockWeights<Ops>> blocks;
  typename Ops::Param ln_q_weight;   // (E)
  typename Ops::Param ln_q_bias;     // (E)
  typename Ops::Linear mlp0;         // (4E, 4E) with E m^2 = 4E
  typename Ops::Linear mlp2;         // (H, 4E)
};

template <class Ops>
struct DecoderLayerWeights {
  typename Ops::Param input_norm;    // (H)
  typename Ops::Linear q, k, v;      // (n_h d, H), (n_kv d, H), (n_kv d, H), with bias
  typename Ops::Linear o;            // (H, n_h d), no bias
  typename Ops::Param post_norm;     // (H)
  typename Ops::Linear gate, up;     // (I, H)
  typename Ops::Linear down;         // (H, I)
};

template <class Ops>
struct LanguageWeights {
  typename Ops::Param embed;         // (V, H)
  std::vector<DecoderLayerWeights<Ops>> layers;
  typename Ops::Param final_norm;    // (H)
  typename Ops::Linear lm_head;      // (V, H): embed_tokens when tie_word_embeddings
};

template <class Ops>
struct ModelWeights {
  VisionWeights<Ops> vision;
  LanguageWeights<Ops> language;
};

// Every weight of a checked TensorMap (call validate_weights first) as ops takes it:
// ops.param(data, n) and ops.linear_weights(linear_view(...)).
template <class Ops>
ModelWeights<Ops> model_weights(const VlmConfig& config, const TensorMap& w, const Ops& ops) {
  const auto param = [&](const std::string& name) {
    const Tensor& t = w.at(name);
    return ops.param(t.data.data(), t.data.size());
  };
  const auto linear = [&](const std::string& prefix, bool bias) {
    return ops.linear_weights(linear_view(w, prefix, bias));
  };
  ModelWeights<Ops> m;
  VisionWeights<Ops>& v = m.vision;
  v.patch_embed = linear("visual.patch_embed.proj", false);
  for (int i = 0; i < config.vision.depth; ++i) {
    const std::string p = "visual.blocks." + std::to_string(i) + ".";
    v.blocks.push_back({param(p + "norm1.weight"), param(p + "norm1.bias"), linear(p + "attn.qkv", true),
                        linear(p + "attn.proj", true), param(p + "norm2.weight"), param(p + "norm2.bias"),
                        linear(p + "mlp.fc1", true), linear(p + "mlp.fc2", true)});
  }
  v.ln_q_weight = param("visual.merger.ln_q.weight");
  v.ln_q_bias = param("visual.merger.ln_q.bias");
  v.mlp0 = linear("visual.merger.mlp.0", true);
  v.mlp2 = linear("visual.merger.mlp.2", true);
  LanguageWeights<Ops>& l = m.language;
  l.embed = param("model.embed_tokens.weight");
  for (int i = 0; i < config.num_hidden_layers; ++i) {
    const std::string p = "model.layers." + std::to_string(i) + ".";
    l.layers.push_back({param(p + "input_layernorm.weight"), linear(p + "self_attn.q_proj", true),
                        linear(p + "self_attn.k_proj", true), linear(p + "self_attn.v_proj", true),
                        linear(p + "self_attn.o_proj", false), param(p + "post_attention_layernorm.weight"),
                        linear(p + "mlp.gate_proj", false), linear(p + "mlp.up_proj", false),
                        linear(p + "mlp.down_proj", false)});
  }
  l.final_norm = param("model.norm.weight");
  l.lm_head = linear(config.tie_word_embeddings ? "model.embed_tokens" : "lm_head", false);
  return m;
}

}  // namespace hopelab
