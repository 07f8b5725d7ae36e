#include "sim/vlm/vlm_model.h"

#include <algorithm>
#include <string>
#include <utility>

#include "sim/vlm/vlm_graph.h"
#include "sim/vlm/vlm_positions.h"
#include "theory/input_error.h"

namespace hopelab {

VlmModel::VlmModel(VlmConfig config, TensorMap weights, VlmRotary rotary)
    : config_(std::move(config)), weights_(std::move(weights)) {
  validate_vlm_config(config_);
  method_ = language_method(config_, rotary);
  validate_weights(config_, weights_);
  rotary_ = language_rotary(method_);
  vision_rotary_ = vision_rotary(config_.vision);
  host_weights_ = model_weights(config_, weights_, HostOps{});
}

std::vector<float> VlmModel::input_embeddings(const VlmInput& input) const {
  vlm_layout(config_, input);  // ids in range, runs matching the grids
  validate_pixels(config_, input);
  return prompt_embeddings(HostOps{}, *this, host_weights_, input);
}

std::vector<std::vector<std::int64_t>> visual_token_rows(const VlmConfig& config, const std::vector<std::int64_t>& ids,
                                                         std::int64_t token, const std::vector<VisualGrid>& grids) {
  const std::int64_t m2 = static_cast<std::int64_t>(config.vision.spatial_merge_size) * config.vision.spatial_merge_size;
  std::vector<std::vector<std::int64_t>> rows;
  std::size_t next = 0;  // next token index to look at
  for (const VisualGrid& g : grids) {
    const std::int64_t tokens = g.t * g.h * g.w / m2;
    rows.emplace_back();
    for (; static_cast<std::int64_t>(rows.back().size()) < tokens; ++next) {
      if (ids[next] == token) rows.back().push_back(static_cast<std::int64_t>(next));
    }
  }
  return rows;
}

PreparedPrompt VlmModel::prepare_prompt(const VlmInput& input, const PrefillOptions& options) const {
  PreparedPrompt p;
  p.layout = vlm_layout(config_, input);
  const std::int64_t length = static_cast<std::int64_t>(input.input_ids.size());
  if (length == 0) throw InputError("input_ids is empty");
  p.positions = options.positions ? *options.positions : vlm_positions(method_, p.layout, options.position_offset);
  if (p.positions.size() != length || p.positions.h.size() != p.positions.t.size() ||
      p.positions.w.size() != p.positions.t.size()) {
    throw InputError("positions hold " + std::to_string(p.positions.size()) + " tokens, input_ids " +
                     std::to_string(length));
  }
  if (options.probe != nullptr &&
      (options.probe->layer < 0 || options.probe->layer >= config_.num_hidden_layers || options.probe->query < 0 ||
       options.probe->query >= length)) {
    throw InputError("attention probe (layer " + std::to_string(options.probe->layer) + ", query " +
                     std::to_string(options.probe->query) + ") is outside the model's " +
                     std::to_string(config_.num_hidden_layers) + " layers and " + std::to_string(length) + " tokens");
  }
  if (!options.segments.empty()) {
    std::int64_t sum = 0;
    for (std::int64_t n : options.segments) {
      if (n < 1) throw InputError("a packed segment of " + std::to_string(n) + " tokens");
      sum += n;
    }
    if (sum != length) {
      throw InputError("packed segments hold " + std::to_string(sum) + " tokens, input_ids " + std::to_string(length));
    }
    if (!options.positions || options.probe != nullptr) {
      throw InputError("a packed batch needs its sequences' own positions and takes no probe");
    }
  }
  validate_pixels(config_, input);
  return p;
}

void VlmModel::check_token(std::int64_t token_id) const {
  if (token_id < 0 || token_id >= config_.vocab_size) {
    throw InputError("token id " + std::to_string(token_id) + " is outside the vocabulary [0, " +
                     std::to_string(config_.vocab_size) + ")");
  }
}

std::vector<float> VlmModel::prefill(const VlmInput& input, KvCache* cache, const PrefillOptions& options) const {
  return prefill_logits(HostOps{}, *this, host_weights_, input, cache, options);
}

std::vector<float> VlmModel::decode(std::int64_t token_id, KvCache* cache) const {
  return decode_logits(HostOps{}, *this, host_weights_, token_id, cache);
}

std::vector<std::int64_t> VlmModel::generate(const VlmInput& input, int max_new_tokens) const {
  return generate_tokens(HostOps{}, *this, host_weights_, input, max_new_tokens);
}

std::int64_t argmax_token(const std::vector<float>& logits) {
  return std::max_element(logits.begin(), logits.end()) - logits.begin();  // first of equal maxima
}

}  // namespace hopelab
