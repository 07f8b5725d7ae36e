#pragma once
// The VLM's forward pass, written once over an Ops policy (docs/vlm.md "C++ model"): vision
// tower -> merger rows replace the visual token embeddings -> decoder stack with the KV cache ->
// logits. The host model runs it over HostOps (sim/vlm/host_ops.h), the device backend over
// DeviceOps (sim/vlm/device/device_ops.h); the checks and the positions are the VlmModel's.
//
// An Ops supplies: Buffer (an array the graph owns), Param (a host array as the ops read it),
// Linear (a Linear layer's weights); static data() (the raw pointer of a Buffer or Param);
// buffer(n) (n zeros), param(host, n), linear_weights(LinearWeights), static grow_keeping,
// to_host; and the operations linear, rms_norm, layer_norm, quick_gelu, gelu, silu_mul, add,
// rotate, attention, gather_rows, scatter_rows. Each is named by the formula it computes.

#include <cstdint>
#include <utility>
#include <vector>

#include "sim/vlm/forward_tape.h"
#include "sim/vlm/kv_cache.h"
#include "sim/vlm/language_model.h"
#include "sim/vlm/model_weights.h"
#include "sim/vlm/vision_tower.h"
#include "sim/vlm/vlm_model.h"
#include "sim/vlm/vlm_positions.h"
#include "theory/input_error.h"

namespace hopelab {

// Per-grid rows of the visual tokens laid end to end: the rows of a grid group in order.
inline std::vector<std::int64_t> group_token_rows(const std::vector<std::vector<std::int64_t>>& per_grid) {
  std::vector<std::int64_t> rows;
  for (const std::vector<std::int64_t>& r : per_grid) rows.insert(rows.end(), r.begin(), r.end());
  return rows;
}

// The LLM input embeddings (L, H) of a checked input: embed_tokens rows of input_ids; the rows
// of the image (video) tokens replaced, grids in order, by the merger outputs of the images
// (videos) in order; consecutive grids of one size are encoded together (grid_groups). tape (may
// be null) keeps each grid group's activations for the backward.
template <class Ops>
typename Ops::Buffer prompt_embeddings(const Ops& ops, const VlmModel& model, const ModelWeights<Ops>& w,
                                       const VlmInput& input, ForwardTape<Ops>* tape = nullptr) {
  const VlmConfig& c = model.config();
  typename Ops::Buffer x = ops.buffer(input.input_ids.size() * static_cast<std::size_t>(c.hidden_size));
  ops.gather_rows(Ops::data(w.language.embed), input.input_ids, c.hidden_size, Ops::data(x));  // embed_tokens rows
  const auto place = [&](std::int64_t token, const Tensor& pixels, const std::vector<VisualGrid>& grids,
                         std::vector<GridTape<Ops>>* grid_tapes) {
    const std::vector<std::int64_t> rows = group_token_rows(visual_token_rows(c, input.input_ids, token, grids));
    const std::vector<GridGroup> groups = grid_groups(grids);
    if (grid_tapes != nullptr) grid_tapes->resize(groups.size());
    std::int64_t pixel_row = 0, token_row = 0;  // first pixel row and visual token of the group
    for (std::size_t g = 0; g < groups.size(); ++g) {
      const VisualGrid& grid = groups[g].merged;
      const typename Ops::Buffer merged =
          encode_grid(ops, c.vision, w.vision, model.vision_tower_rotary(),
                      pixels.data.data() + pixel_row * c.vision.patch_dim(), grid,
                      grid_tapes != nullptr ? &(*grid_tapes)[g] : nullptr);
      const std::int64_t tokens = grid.t * grid.h * grid.w / (c.vision.spatial_merge_size * c.vision.spatial_merge_size);
      const std::vector<std::int64_t> targets(rows.begin() + token_row, rows.begin() + token_row + tokens);
      ops.scatter_rows(Ops::data(merged), targets, c.hidden_size, Ops::data(x));  // merger rows over the visual ids
      pixel_row += grid.t * grid.h * grid.w;
      token_row += tokens;
    }
  };
  place(c.image_token_id, input.pixel_values, input.image_grid_thw, tape != nullptr ? &tape->image_grids : nullptr);
  place(c.video_token_id, input.pixel_values_videos, input.video_grid_thw,
        tape != nullptr ? &tape->video_grids : nullptr);
  return x;
}

// VlmModel::prefill over ops: logits (L, V), or (1, V) with last_row_only; cache (may be null)
// is reset and then holds the prompt. Every check runs before the cache changes. tape (may be
// null; then cache must be null) keeps every activation the backward (sim/train) reads: the
// training forward is this one.
template <class Ops>
std::vector<float> prefill_logits(const Ops& ops, const VlmModel& model, const ModelWeights<Ops>& w,
                                  const VlmInput& input, KvCacheOf<Ops>* cache, const PrefillOptions& options,
                                  ForwardTape<Ops>* tape = nullptr) {
  const VlmConfig& c = model.config();
  PreparedPrompt prompt = model.prepare_prompt(input, options);
  const std::int64_t length = prompt.positions.size();
  if (tape != nullptr && cache != nullptr) throw InputError("a training forward keeps its keys in its tape, not a cache");
  typename Ops::Buffer x = prompt_embeddings(ops, model, w, input, tape);  // (L, H)
  if (cache != nullptr) {
    cache->reset(c.num_hidden_layers, static_cast<std::int64_t>(c.num_key_value_heads) * c.head_dim());
    cache->layout = std::move(prompt.layout);
    cache->position_offset = options.position_offset;
  }
  if (!options.segments.empty() && cache != nullptr) throw InputError("a packed batch takes no cache");
  run_decoder(ops, c, w.language, model.llm_rotary(), prompt.positions, length, Ops::data(x), cache, options.probe,
              tape, options.segments.empty() ? nullptr : &options.segments, options.last_row_only);
  if (tape != nullptr) tape->final_input = ops.copy_of(Ops::data(x), static_cast<std::size_t>(length * c.hidden_size));
  const std::int64_t first = options.last_row_only ? length - 1 : 0;
  return output_logits(ops, c, w.language, Ops::data(x) + first * c.hidden_size, length - first,
                       tape != nullptr ? &tape->final_normed : nullptr);
}

// VlmModel::decode over ops: logits (V) of one more token after the cached ones; its position
// extends the last text run.
template <class Ops>
std::vector<float> decode_logits(const Ops& ops, const VlmModel& model, const ModelWeights<Ops>& w,
                                 std::int64_t token_id, KvCacheOf<Ops>* cache) {
  if (cache == nullptr || cache->length == 0) throw InputError("decode needs a cache filled by prefill");
  model.check_token(token_id);
  const VlmConfig& c = model.config();
  const Position3 p = next_decode_position(model.method(), cache->position_offset, cache->length, &cache->layout,
                                           &cache->ahead);
  PositionIds position;
  position.t = {p.t};
  position.h = {p.h};
  position.w = {p.w};
  typename Ops::Buffer x = ops.buffer(static_cast<std::size_t>(c.hidden_size));  // (1, H)
  ops.gather_rows(Ops::data(w.language.embed), {token_id}, c.hidden_size, Ops::data(x));  // embed_tokens row
  run_decoder(ops, c, w.language, model.llm_rotary(), position, 1, Ops::data(x), cache, nullptr);
  return output_logits(ops, c, w.language, Ops::data(x), 1);
}

// VlmModel::generate over ops: greedy ids after the prompt, with the KV cache.
template <class Ops>
std::vector<std::int64_t> generate_tokens(const Ops& ops, const VlmModel& model, const ModelWeights<Ops>& w,
                                          const VlmInput& input, int max_new_tokens) {
  if (max_new_tokens <= 0) return {};
  KvCacheOf<Ops> cache;
  PrefillOptions options;
  options.last_row_only = true;
  return greedy_tokens(prefill_logits(ops, model, w, input, &cache, options), max_new_tokens,
                       model.config().eos_token_id,
                       [&](std::int64_t token) { return decode_logits(ops, model, w, token, &cache); });
}

}  // namespace hopelab
