#include "sim/vlm/frame_match.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "kernels/float_error.h"
#include "sim/vlm/vlm_model.h"
#include "sim/vlm/vlm_positions.h"
#include "theory/input_error.h"
#include "theory/preference.h"

namespace hopelab {
namespace {

// The single video of the prompt and the index of its first token.
struct VideoPlace {
  Segment segment;
  std::int64_t first_token = 0;
};

VideoPlace find_video(const VlmConfig& config, const VlmInput& prompt) {
  if (prompt.video_grid_thw.size() != 1 || !prompt.image_grid_thw.empty()) {
    throw InputError("the frame-match check needs a prompt with exactly one video and no image, got " +
                     std::to_string(prompt.video_grid_thw.size()) + " videos and " +
                     std::to_string(prompt.image_grid_thw.size()) + " images");
  }
  VideoPlace place;
  for (const Segment& s : vlm_layout(config, prompt)) {
    if (s.kind == SegmentKind::video) {
      place.segment = s;
      return place;
    }
    place.first_token += s.token_count();
  }
  throw InputError("the frame-match prompt has no video tokens");
}

// Copies temporal patch `source`'s pixel rows onto temporal patch `destination`.
void copy_frame(const VisualGrid& grid, std::int64_t source, std::int64_t destination, Tensor* pixels) {
  const std::int64_t width = pixels->shape[1];
  const std::int64_t frame = grid.h * grid.w * width;  // elements per temporal patch
  std::copy(pixels->data.begin() + source * frame, pixels->data.begin() + (source + 1) * frame,
            pixels->data.begin() + destination * frame);
}

}  // namespace

void tie_first_layer_keys(const VlmConfig& config, TensorMap* weights, double scale) {
  const std::int64_t d = config.head_dim(), hidden = config.hidden_size;
  const int group = config.num_attention_heads / config.num_key_value_heads;
  for (const char* part : {"weight", "bias"}) {
    Tensor& q = weights->at(std::string("model.layers.0.self_attn.q_proj.") + part);
    Tensor& k = weights->at(std::string("model.layers.0.self_attn.k_proj.") + part);
    const std::int64_t row = part == std::string("weight") ? hidden : 1;  // elements per output row
    for (int g = 0; g < config.num_key_value_heads; ++g) {
      const auto from = q.data.begin() + static_cast<std::int64_t>(g) * group * d * row;
      std::transform(from, from + d * row, from, [scale](float x) { return static_cast<float>(scale * x); });
      std::copy(from, from + d * row, k.data.begin() + g * d * row);  // k rows of head g := q rows of head g n_h/n_kv
    }
  }
}

FrameMatchResult frame_match(const VlmConfig& config, const TensorMap& weights, const VlmRotary& rotary,
                             const VlmInput& prompt, const FrameMatchSetup& setup) {
  const VideoPlace video = find_video(config, prompt);
  const Segment& s = video.segment;
  if (s.frames < 2) throw InputError("the frame-match check needs at least 2 temporal patches, got " + std::to_string(s.frames));
  const std::int64_t row = setup.cell_row < 0 ? s.height / 2 : setup.cell_row;
  const std::int64_t col = setup.cell_col < 0 ? s.width / 2 : setup.cell_col;
  if (row >= s.height || col >= s.width) {
    throw InputError("frame-match cell (" + std::to_string(row) + ", " + std::to_string(col) +
                     ") is outside the " + std::to_string(s.height) + " x " + std::to_string(s.width) + " grid");
  }
  const std::int64_t cells = s.height * s.width;
  const auto token = [&](std::int64_t frame) { return video.first_token + frame * cells + row * s.width + col; };

  const VlmModel model(config, weights, rotary);
  const RotaryTable table = language_rotary(model.method());
  const int heads = config.num_attention_heads, d = config.head_dim(), pairs = d / 2;
  const int group = heads / config.num_key_value_heads;
  const double root_d = std::sqrt(static_cast<double>(d));
  const double u = std::numeric_limits<float>::epsilon() / 2;  // float unit roundoff

  FrameMatchResult result;
  result.query_token = token(s.frames - 1);
  for (int g = 0; g < config.num_key_value_heads; ++g) result.tied_heads.push_back(g * group);
  const PositionIds positions = vlm_positions(config, rotary, prompt);

  for (std::int64_t apart = 1; apart < s.frames; ++apart) {
    const std::int64_t frame = s.frames - 1 - apart;
    VlmInput input = prompt;
    copy_frame(input.video_grid_thw[0], s.frames - 1, frame, &input.pixel_values_videos);
    AttentionProbe probe;
    probe.layer = 0;
    probe.query = result.query_token;
    PrefillOptions options;
    options.last_row_only = true;
    options.probe = &probe;
    model.prefill(input, nullptr, options);

    FrameMatchPoint p;
    p.frames_apart = apart;
    p.offset = positions.at(result.query_token) - positions.at(token(frame));
    const std::int64_t keys = static_cast<std::int64_t>(probe.weights.size()) / heads;
    for (int h = 0; h < heads; ++h) {
      const float* w = probe.weights.data() + static_cast<std::int64_t>(h) * keys;
      p.copy_mass.push_back(w[token(frame)]);
      double frame_mass = 0;
      for (std::int64_t c = 0; c < cells; ++c) frame_mass += w[video.first_token + frame * cells + c];
      p.frame_mass.push_back(frame_mass);
    }
    for (std::int64_t head : result.tied_heads) {
      const float* q = probe.query_vector.data() + head * d;
      const float* w = probe.weights.data() + static_cast<std::int64_t>(head) * keys;
      double closed = 0, temporal = 0, spatial = 0, energy = 0;
      for (int i = 0; i < pairs; ++i) {
        const double rho = static_cast<double>(q[i]) * q[i] + static_cast<double>(q[i + pairs]) * q[i + pairs];
        const Axis axis = table.allocation.axis[i];
        const double c = std::cos(pair_angle(axis_component(p.offset, axis), table.theta[i], table.allocation.zero[i] != 0));
        closed += rho * (c - 1) / root_d;  // rho_i (cos phi_i - 1) / sqrt(d)
        (axis == Axis::t ? temporal : spatial) += rho * c / root_d;
        energy += rho;
      }
      p.log_ratio.push_back(std::log(static_cast<double>(w[token(frame)])) - std::log(static_cast<double>(w[result.query_token])));
      p.log_ratio_closed.push_back(closed);
      p.temporal_score.push_back(temporal);
      p.spatial_score.push_back(spatial);
      // Float32 error of the model's value: the two scores each carry the rotation's error, at most
      // (2 pi + 3) u |q|^2 / sqrt(d) per rotated operand (angle rounding 2 pi u after reduction,
      // cos/sin and the pair products 3 u), twice per score; the copy's hidden state may differ
      // from the query's by GEMM rounding of the projections, gamma_H |q|^2 / sqrt(d) with
      // gamma_H ~ H u; the two float weights add 2 u each to the log ratio.
      const double per_score = float32_error_bound(4 * (2 * M_PI + 3) + config.hidden_size, energy / root_d);
      p.tolerance.push_back(2 * per_score + 4 * u);
    }
    result.points.push_back(std::move(p));
  }
  return result;
}

}  // namespace hopelab
