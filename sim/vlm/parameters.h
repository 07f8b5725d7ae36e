#pragma once
// The parameters of a Qwen2-VL-architecture checkpoint: Hugging Face's names (as stored in
// Qwen2-VL's model.safetensors) and the shape each must have under a config. The loader checks
// a checkpoint against this list; the model looks its weights up by these names.

#include <cstdint>
#include <string>
#include <vector>

#include "sim/vlm/vlm_config.h"

namespace hopelab {

struct ParameterSpec {
  std::string name;                  // e.g. "model.layers.0.self_attn.q_proj.weight"
  std::vector<std::int64_t> shape;   // e.g. (num_attention_heads * head_dim, hidden_size)
};

// Every parameter of the model in a fixed order: vision tower (patch embedding, blocks, merger),
// then the language model (embedding, layers, final norm, lm_head unless tie_word_embeddings).
std::vector<ParameterSpec> expected_parameters(const VlmConfig& config);

}  // namespace hopelab
