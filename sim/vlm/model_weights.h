#pragma once
// The checked weights of a model: every tensor of expected_parameters (sim/vlm/parameters.h)
// present with its shape and finite values, nothing else; then borrowed pointers grouped by layer
// for the vision tower and the language model. Names are Qwen2-VL's (docs/vlm.md "Parameters").

#include <vector>

#include "sim/vlm/layer_ops.h"
#include "sim/vlm/tensor.h"
#include "sim/vlm/vlm_config.h"

namespace hopelab {

// Throws InputError naming the tensor: a missing one (with its expected shape), a wrong shape
// (expected and actual), data not matching the shape, an extra tensor, or the first non-finite
// value (index and value).
void validate_weights(const VlmConfig& config, const TensorMap& weights);

struct VisionBlockWeights {
  const float* norm1_weight;  // (E)
  const float* norm1_bias;    // (E)
  LinearWeights qkv;          // (3E, E): rows q, k, v
  LinearWeights proj;         // (E, E)
  const float* norm2_weight;  // (E)
  const float* norm2_bias;    // (E)
  LinearWeights fc1;          // (4E, E)
  LinearWeights fc2;          // (E, 4E)
};

struct VisionWeights {
  LinearWeights patch_embed;  // (E, C T_p p p), no bias
  std::vector<VisionBlockWeights> blocks;
  const float* ln_q_weight;   // (E)
  const float* ln_q_bias;     // (E)
  LinearWeights mlp0;         // (4E, 4E) with E m^2 = 4E
  LinearWeights mlp2;         // (H, 4E)
};

struct DecoderLayerWeights {
  const float* input_norm;    // (H)
  LinearWeights q, k, v;      // (n_h d, H), (n_kv d, H), (n_kv d, H), with bias
  LinearWeights o;            // (H, n_h d), no bias
  const float* post_norm;     // (H)
  LinearWeights gate, up;     // (I, H)
  LinearWeights down;         // (H, I)
};

struct LanguageWeights {
  const float* embed;         // (V, H)
  std::vector<DecoderLayerWeights> layers;
  const float* final_norm;    // (H)
  LinearWeights lm_head;      // (V, H): embed_tokens when tie_word_embeddings
};

// Pointers into `weights`, which must outlive them (call validate_weights first).
VisionWeights vision_weights(const VlmConfig& config, const TensorMap& weights);
LanguageWeights language_weights(const VlmConfig& config, const TensorMap& weights);

}  // namespace hopelab
