#include "vlm/vlm_checks.h"

#include <algorithm>
#include <cmath>

#include "kernels/float_error.h"
#include "sim/vlm/frame_match.h"
#include "sim/vlm/vlm_model.h"
#include "sim/vlm/vlm_positions.h"

namespace hopelab {
namespace {

double largest_magnitude(const std::vector<float>& values) {
  double m = 0;
  for (float v : values) m = std::max(m, static_cast<double>(std::fabs(v)));
  return m;
}

// Bound on |a - b| for two float32 evaluations of the same logits that differ only in summation
// order (blocking, caching) or in rotation angles rounded differently: each is within
// float32_error_bound (docs/theory.md §10) of the exact logits, counting 2 stages per layer and
// 1 for the head, each as long as the longest inner product n (hidden, intermediate or keys),
// with M = 4 max |logit|.
double two_evaluation_tolerance(const VlmConfig& c, std::int64_t tokens, double scale) {
  const double n = std::max<double>({static_cast<double>(c.hidden_size), static_cast<double>(c.intermediate_size),
                                     static_cast<double>(tokens)});
  return 2 * float32_error_bound((2 * c.num_hidden_layers + 1) * n, 4 * scale);
}

struct Worst {
  double error = 0;
  std::int64_t index = 0;
};
Worst worst_difference(const float* a, const float* b, std::int64_t n) {
  Worst w;
  for (std::int64_t i = 0; i < n; ++i) {
    const double e = std::fabs(static_cast<double>(a[i]) - b[i]);
    if (e > w.error) w = {e, i};
  }
  return w;
}

VlmCheckResult decode_check(const VlmModel& model, const VlmInput& prompt, const std::vector<float>& full) {
  const VlmConfig& c = model.config();
  const std::int64_t length = static_cast<std::int64_t>(prompt.input_ids.size());
  std::int64_t tail = 0;  // trailing text tokens, at most 4, leaving at least one prompt token
  while (tail < 4 && tail + 1 < length) {
    const std::int64_t id = prompt.input_ids[static_cast<std::size_t>(length - 1 - tail)];
    if (id == c.image_token_id || id == c.video_token_id) break;
    ++tail;
  }
  VlmCheckResult r{model.method().name, "decode", 0, 0, "", false};
  if (tail == 0) {
    r.skipped = true;
    r.detail = "the prompt ends in a visual token: nothing to decode";
    return r;
  }
  VlmInput head = prompt;
  head.input_ids.resize(static_cast<std::size_t>(length - tail));
  KvCache cache;
  model.prefill(head, &cache);
  for (std::int64_t k = length - tail; k < length; ++k) {
    const std::vector<float> step = model.decode(prompt.input_ids[static_cast<std::size_t>(k)], &cache);
    const Worst w = worst_difference(step.data(), full.data() + k * c.vocab_size, c.vocab_size);
    if (w.error >= r.error) {
      r.error = w.error;
      r.detail = "token " + std::to_string(k) + ", vocab id " + std::to_string(w.index);
    }
  }
  r.tolerance = two_evaluation_tolerance(c, length, largest_magnitude(full));
  r.detail += " (" + std::to_string(tail) + " decoded tokens)";
  return r;
}

VlmCheckResult shift_check(const VlmModel& model, const VlmInput& prompt, const std::vector<float>& full) {
  const VlmConfig& c = model.config();
  constexpr double kShift = 4096;  // exact in float and double; moves every phase
  PrefillOptions options;
  options.position_offset = kShift;
  const std::vector<float> shifted = model.prefill(prompt, nullptr, options);
  const std::int64_t n = static_cast<std::int64_t>(full.size());
  const Worst w = worst_difference(shifted.data(), full.data(), n);
  VlmCheckResult r{model.method().name, "shift", w.error, 0, "", false};
  r.tolerance = two_evaluation_tolerance(c, static_cast<std::int64_t>(prompt.input_ids.size()), largest_magnitude(full));
  r.detail = "+4096 on every axis; token " + std::to_string(w.index / c.vocab_size) + ", vocab id " +
             std::to_string(w.index % c.vocab_size);
  return r;
}

VlmCheckResult positions_check(const VlmModel& model, const VlmInput& prompt) {
  const Layout layout = vlm_layout(model.config(), prompt);
  const PositionIds inside = vlm_positions(model.method(), layout);
  const std::string text = layout_text(layout);
  const PositionIds cli = assign_positions(model.method().design, parse_layout(text));  // hopelab positions' path
  VlmCheckResult r{model.method().name, "positions", 0, 0, "layout " + text, false};
  if (cli.size() != inside.size()) {
    r.error = INFINITY;
    r.detail += ": token counts differ";
    return r;
  }
  for (std::int64_t i = 0; i < inside.size(); ++i) {
    const Position3 d = inside.at(i) - cli.at(i);
    r.error = std::max({r.error, std::fabs(d.t), std::fabs(d.h), std::fabs(d.w)});
  }
  return r;
}

VlmCheckResult frame_check(const VlmConfig& config, const TensorMap& weights, const VlmRotary& rotary,
                           const VlmInput& prompt, const std::string& method) {
  VlmCheckResult r{method, "frame", 0, 0, "", false};
  if (prompt.video_grid_thw.size() != 1 || !prompt.image_grid_thw.empty() || prompt.video_grid_thw[0].t < 2) {
    r.skipped = true;
    r.detail = "needs a prompt with one video of at least 2 temporal patches and no image";
    return r;
  }
  TensorMap tied = weights;
  tie_first_layer_keys(config, &tied);
  const FrameMatchResult fm = frame_match(config, tied, rotary, prompt);
  double worst_ratio = -1;
  for (const FrameMatchPoint& p : fm.points) {
    for (std::size_t g = 0; g < fm.tied_heads.size(); ++g) {
      const double e = std::fabs(p.log_ratio[g] - p.log_ratio_closed[g]);
      if (e / p.tolerance[g] > worst_ratio) {
        worst_ratio = e / p.tolerance[g];
        r.error = e;
        r.tolerance = p.tolerance[g];
        r.detail = std::to_string(p.frames_apart) + " frames apart, head " + std::to_string(fm.tied_heads[g]) +
                   ": model " + std::to_string(p.log_ratio[g]) + ", closed form " + std::to_string(p.log_ratio_closed[g]);
      }
    }
  }
  return r;
}

}  // namespace

std::vector<VlmCheckResult> run_vlm_checks(const VlmConfig& config, const TensorMap& weights, const VlmRotary& rotary,
                                           const VlmInput& prompt) {
  const VlmModel model(config, weights, rotary);
  const std::vector<float> full = model.prefill(prompt);
  return {decode_check(model, prompt, full), shift_check(model, prompt, full), positions_check(model, prompt),
          frame_check(config, weights, rotary, prompt, model.method().name)};
}

}  // namespace hopelab
