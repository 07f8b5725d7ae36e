#pragma once
// A Qwen2-VL-architecture model (docs/vlm.md) with its rotary method chosen at build time:
// vision tower -> merger rows replace the visual token embeddings -> decoder stack -> logits,
// the graph of sim/vlm/vlm_graph.h over the host's ops (host_ops.h). Host float32 on Eigen and
// OpenMP; bit-identical for any thread count. No process-wide state: models with different
// methods coexist. The model owns its weights, its input checks and its positions; other
// backends run the same graph over them.

#include <cstdint>
#include <optional>
#include <vector>

#include "sim/vlm/host_ops.h"
#include "sim/vlm/kv_cache.h"
#include "sim/vlm/language_model.h"
#include "sim/vlm/model_weights.h"
#include "sim/vlm/tensor.h"
#include "sim/vlm/vlm_config.h"
#include "sim/vlm/vlm_input.h"
#include "sim/vlm/vlm_rotary.h"
#include "theory/method.h"

namespace hopelab {

struct PrefillOptions {
  bool last_row_only = false;     // logits of the last token only: (1, V)
  double position_offset = 0.0;   // added to every axis of every LLM position (kept by the cache)
  // Replaces the LLM positions of the prompt (L tokens); for checks of the rotary. The cache's
  // later positions still follow the layout.
  std::optional<PositionIds> positions;
  AttentionProbe* probe = nullptr;  // layer and query set by the caller; weights (n_h, L) filled
  // A packed batch: the lengths of independent sequences laid end to end in the prompt (sum L),
  // each attending only within itself; needs positions (each sequence's own), no cache, no probe.
  std::vector<std::int64_t> segments;
};

// A checked prompt ready for the graph: its layout and LLM positions.
struct PreparedPrompt {
  Layout layout;
  PositionIds positions;  // (L) per axis
};

class VlmModel {
 public:
  // Throws InputError naming a bad config value, a missing, misshapen, extra or non-finite
  // tensor (sim/vlm/model_weights.h), or a bad rotary method or option.
  VlmModel(VlmConfig config, TensorMap weights, VlmRotary rotary = {});
  // The host weights point into weights_: a copy would dangle, a move keeps the map's nodes.
  VlmModel(const VlmModel&) = delete;
  VlmModel& operator=(const VlmModel&) = delete;
  VlmModel(VlmModel&&) = default;
  VlmModel& operator=(VlmModel&&) = default;

  const VlmConfig& config() const { return config_; }
  const Method& method() const { return method_; }

  // Logits (L, V) of a prompt, or (1, V) with last_row_only. cache (may be null) is reset and
  // then holds the prompt's keys and values. Throws InputError for bad input (vlm_layout,
  // validate_pixels) or a probe outside the model.
  std::vector<float> prefill(const VlmInput& input, KvCache* cache = nullptr, const PrefillOptions& options = {}) const;

  // Logits (V) of one more token after the cached ones; its position extends the last text run.
  // Throws InputError for a token outside [0, V) or an empty cache.
  std::vector<float> decode(std::int64_t token_id, KvCache* cache) const;

  // Greedy generation: up to max_new_tokens ids (argmax, lowest id on ties), stopping after eos.
  std::vector<std::int64_t> generate(const VlmInput& input, int max_new_tokens) const;

  // The LLM input embeddings (L, H): embed_tokens rows, visual rows replaced by the merger
  // outputs of the images, then of the videos, in order. Validates the input.
  std::vector<float> input_embeddings(const VlmInput& input) const;

  // Everything prefill does before the graph, with its checks: the layout, the positions
  // (options' offset or replacement), the probe's range and the pixels. Throws InputError as
  // prefill does.
  PreparedPrompt prepare_prompt(const VlmInput& input, const PrefillOptions& options) const;
  // Throws InputError unless 0 <= token_id < V.
  void check_token(std::int64_t token_id) const;

  // The checked tensors and the rotary tables, for the graph and another backend's weights.
  const TensorMap& tensors() const { return weights_; }
  const RotaryTable& llm_rotary() const { return rotary_; }
  const RotaryTable& vision_tower_rotary() const { return vision_rotary_; }
  // The host graph's views of the weights (they point into tensors()).
  const ModelWeights<HostOps>& host_weights() const { return host_weights_; }
  // The weights for an in-place update (an optimiser step): values may change, shapes and the
  // map's entries must not (the views point into them).
  TensorMap& weights_for_update() { return weights_; }

 private:
  VlmConfig config_;
  TensorMap weights_;
  Method method_;
  RotaryTable rotary_;         // LLM
  RotaryTable vision_rotary_;  // vision tower
  ModelWeights<HostOps> host_weights_;
};

// The rows of input_ids that hold each grid's visual tokens (the runs of `token`, grids in
// order): per grid, its t (h/m) (w/m) row indices. input_ids must have passed vlm_layout.
std::vector<std::vector<std::int64_t>> visual_token_rows(const VlmConfig& config, const std::vector<std::int64_t>& ids,
                                                         std::int64_t token, const std::vector<VisualGrid>& grids);

// Index of the largest logit (the lowest index among equals). logits: (V).
std::int64_t argmax_token(const std::vector<float>& logits);

// Greedy generation from the prompt's last logits (V): argmax, then next_logits(token) gives the
// logits after each generated token, up to max_new_tokens ids or through eos.
template <typename NextLogits>
std::vector<std::int64_t> greedy_tokens(const std::vector<float>& prompt_logits, int max_new_tokens,
                                        std::int64_t eos_token_id, NextLogits next_logits) {
  std::vector<std::int64_t> out;
  if (max_new_tokens <= 0) return out;
  out.push_back(argmax_token(prompt_logits));
  while (static_cast<int>(out.size()) < max_new_tokens && out.back() != eos_token_id) {
    out.push_back(argmax_token(next_logits(out.back())));
  }
  return out;
}

}  // namespace hopelab
