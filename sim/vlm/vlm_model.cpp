#include "sim/vlm/vlm_model.h"

#include <algorithm>
#include <string>
#include <utility>

#include "sim/vlm/vision_tower.h"
#include "sim/vlm/vlm_positions.h"
#include "theory/input_error.h"

namespace hopelab {
namespace {

// Copies the merger rows of each grid over the rows of its visual tokens, grids in order.
// x: (L, H); pixels: (patches, patch_dim).
void place_visual_rows(const VlmConfig& c, const VisionWeights& w, const RotaryTable& rotary,
                       const std::vector<std::int64_t>& ids, std::int64_t token, const Tensor& pixels,
                       const std::vector<VisualGrid>& grids, float* x) {
  const std::int64_t hidden = c.hidden_size, patch_dim = c.vision.patch_dim();
  const std::vector<std::vector<std::int64_t>> rows = visual_token_rows(c, ids, token, grids);
  std::int64_t pixel_row = 0;  // first pixel row of the grid
  for (std::size_t g = 0; g < grids.size(); ++g) {
    const std::vector<float> merged =
        encode_grid(c.vision, w, rotary, pixels.data.data() + pixel_row * patch_dim, grids[g]);  // (tokens, H)
    for (std::size_t r = 0; r < rows[g].size(); ++r) {
      std::copy_n(merged.data() + static_cast<std::int64_t>(r) * hidden, hidden, x + rows[g][r] * hidden);
    }
    pixel_row += grids[g].t * grids[g].h * grids[g].w;
  }
}

}  // namespace

VlmModel::VlmModel(VlmConfig config, TensorMap weights, VlmRotary rotary)
    : config_(std::move(config)), weights_(std::move(weights)) {
  validate_vlm_config(config_);
  method_ = language_method(config_, rotary);
  validate_weights(config_, weights_);
  rotary_ = language_rotary(method_);
  vision_rotary_ = vision_rotary(config_.vision);
  vision_ = vision_weights(config_, weights_);
  language_ = language_weights(config_, weights_);
}

std::vector<float> VlmModel::input_embeddings(const VlmInput& input) const {
  vlm_layout(config_, input);  // ids in range, runs matching the grids
  validate_pixels(config_, input);
  const std::int64_t length = static_cast<std::int64_t>(input.input_ids.size()), hidden = config_.hidden_size;
  std::vector<float> x(static_cast<std::size_t>(length * hidden));
  for (std::int64_t i = 0; i < length; ++i) {  // embedding rows of input_ids
    std::copy_n(language_.embed + input.input_ids[static_cast<std::size_t>(i)] * hidden, hidden, x.data() + i * hidden);
  }
  place_visual_rows(config_, vision_, vision_rotary_, input.input_ids, config_.image_token_id, input.pixel_values,
                    input.image_grid_thw, x.data());
  place_visual_rows(config_, vision_, vision_rotary_, input.input_ids, config_.video_token_id,
                    input.pixel_values_videos, input.video_grid_thw, x.data());
  return x;
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

PreparedPrompt VlmModel::prepare_prompt(const VlmInput& input, const PrefillOptions& options, bool embed) const {
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
  if (embed) {
    p.embeddings = input_embeddings(input);
  } else {
    validate_pixels(config_, input);
  }
  return p;
}

void VlmModel::check_token(std::int64_t token_id) const {
  if (token_id < 0 || token_id >= config_.vocab_size) {
    throw InputError("token id " + std::to_string(token_id) + " is outside the vocabulary [0, " +
                     std::to_string(config_.vocab_size) + ")");
  }
}

std::vector<float> VlmModel::prefill(const VlmInput& input, KvCache* cache, const PrefillOptions& options) const {
  PreparedPrompt prompt = prepare_prompt(input, options);
  const std::int64_t length = prompt.positions.size();
  if (cache != nullptr) {
    cache->reset(config_.num_hidden_layers, config_.num_key_value_heads * config_.head_dim());
    cache->layout = std::move(prompt.layout);
    cache->position_offset = options.position_offset;
  }
  float* x = prompt.embeddings.data();
  run_decoder(config_, language_, rotary_, prompt.positions, length, x, cache, options.probe);
  const std::int64_t first = options.last_row_only ? length - 1 : 0;
  return output_logits(config_, language_, x + first * config_.hidden_size, length - first);
}

std::vector<float> VlmModel::decode(std::int64_t token_id, KvCache* cache) const {
  if (cache == nullptr || cache->length == 0) throw InputError("decode needs a cache filled by prefill");
  check_token(token_id);
  const Position3 p = next_decode_position(method_, cache->position_offset, cache->length, &cache->layout, &cache->ahead);
  PositionIds position;
  position.t = {p.t};
  position.h = {p.h};
  position.w = {p.w};
  const std::int64_t hidden = config_.hidden_size;
  std::vector<float> x(language_.embed + token_id * hidden, language_.embed + (token_id + 1) * hidden);
  run_decoder(config_, language_, rotary_, position, 1, x.data(), cache, nullptr);
  return output_logits(config_, language_, x.data(), 1);
}

std::vector<std::int64_t> VlmModel::generate(const VlmInput& input, int max_new_tokens) const {
  if (max_new_tokens <= 0) return {};
  KvCache cache;
  PrefillOptions options;
  options.last_row_only = true;
  return greedy_tokens(prefill(input, &cache, options), max_new_tokens, config_.eos_token_id,
                       [&](std::int64_t token) { return decode(token, &cache); });
}

std::int64_t argmax_token(const std::vector<float>& logits) {
  return std::max_element(logits.begin(), logits.end()) - logits.begin();  // first of equal maxima
}

}  // namespace hopelab
