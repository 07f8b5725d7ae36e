#pragma once
// Qwen2-VL's language model (docs/vlm.md "Language model", steps 3-5): num_hidden_layers
// pre-norm decoder layers h = x + o_proj(Attn(RMSNorm1(x))), x' = h + down(SiLU(gate(.)) up(.)),
// causal GQA attention with q and k rotated at each token's position, then
// logits = lm_head(RMSNorm_final(x)). float32, keys cached already rotated.

#include <cstdint>
#include <vector>

#include "sim/vlm/kv_cache.h"
#include "sim/vlm/model_weights.h"
#include "sim/vlm/vlm_rotary.h"
#include "theory/position_design.h"

namespace hopelab {

// Softmax weights of one query token over every key at one layer, per head: (n_h, keys), 0 on
// masked (future) keys, and that token's query before rotation. Set layer and query before the
// call; weights and query_vector are filled.
struct AttentionProbe {
  int layer = 0;
  std::int64_t query = 0;           // token index within the prompt
  std::vector<float> weights;       // (n_h, L)
  std::vector<float> query_vector;  // (n_h, d): q_proj(RMSNorm1(x)) of the query token, unrotated
};

// Runs the decoder stack over `rows` new tokens whose hidden states are x (rows, H), in place.
// Token r sits at positions.at(r); cache holds the earlier tokens (length of them) and receives
// the new keys and values. probe (may be null) is filled when its layer runs.
void run_decoder(const VlmConfig& config, const LanguageWeights& weights, const RotaryTable& rotary,
                 const PositionIds& positions, std::int64_t rows, float* x, KvCache* cache, AttentionProbe* probe);

// logits (rows, V) = lm_head(RMSNorm_final(x)). x: (rows, H).
std::vector<float> output_logits(const VlmConfig& config, const LanguageWeights& weights, const float* x,
                                 std::int64_t rows);

}  // namespace hopelab
