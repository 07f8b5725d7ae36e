#pragma once
// The query and key rows each decoder layer's attention reads, before rotation: for the Monte
// Carlo engines' empirical law (docs/usage.md "Vectors from a real model"), so the semantic
// preference can be estimated from a trained model's own q and k. Taken from the training
// forward's tape (the graph of `vlm logits`, forward_tape.h), whose q and k are rotated, and
// turned back with R(phi)^T = R(-phi) (backward_ops.h rotate_backward): each value within a few
// float32 ulps of the pre-rotation value.

#include <cstdint>
#include <vector>

#include "sim/vlm/vlm_model.h"

namespace hopelab {

struct QkRows {
  std::int64_t rows = 0;                    // L, every token of the prompt
  std::vector<std::vector<float>> queries;  // per layer (L, n_h d): q_proj(RMSNorm1(x)) + bias
  std::vector<std::vector<float>> keys;     // per layer (L, n_kv d): k_proj(RMSNorm1(x)) + bias
  PositionIds positions;                    // (L) per axis: the LLM positions the rotation used
};

// Every layer's rows from one forward pass. Throws InputError for a prompt the model refuses.
QkRows unrotated_qk(const VlmModel& model, const VlmInput& input);

}  // namespace hopelab
