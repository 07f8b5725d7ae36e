#include "kinds/vlm_frame_match.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "kinds/kind_support.h"
#include "params/frame_grid.h"
#include "sim/vlm/frame_match.h"
#include "sim/vlm/presets.h"
#include "sim/vlm/random_weights.h"
#include "theory/input_error.h"
#include "vlm/synthetic_input.h"

namespace hopelab::kinds {

namespace {

// The unit runs F - 1 prefills of the whole prompt; a cap keeps a typo from running for hours.
constexpr std::int64_t kMaxVideoTokens = 1 << 16;

struct Prepared {
  VlmConfig config;
  VlmRotary rotary;
  SyntheticPrompt prompt;
};

Prepared prepare(const VlmFrameMatchSettings& s, std::uint64_t seed) {
  const std::vector<std::string>& presets = vlm_preset_names();
  if (std::find(presets.begin(), presets.end(), s.preset) == presets.end()) {
    std::string list;
    for (const std::string& p : presets) list += (list.empty() ? "" : ", ") + p;
    throw InputError("preset must be one of " + list + ", got '" + s.preset + "'");
  }
  const params::FrameGrid grid = params::parse_frame_grid(s.grid, "grid");
  if (grid.height > kMaxVideoTokens || grid.width > kMaxVideoTokens ||
      s.frames > kMaxVideoTokens / (grid.height * grid.width)) {
    throw InputError("frames x grid must be at most " + std::to_string(kMaxVideoTokens) + " video tokens, got " +
                     std::to_string(s.frames) + " frames of " + s.grid);
  }
  Prepared p;
  p.config = vlm_preset(s.preset);
  p.rotary = params::build_vlm_rotary(s.method);
  language_method(p.config, p.rotary);  // throws InputError naming a bad method or option
  p.prompt.text_before = s.text_before;
  p.prompt.frames = s.frames;
  p.prompt.grid_height = grid.height;
  p.prompt.grid_width = grid.width;
  p.prompt.text_after = s.text_after;
  p.prompt.seed = seed;
  SyntheticPromptNames names;
  names.text_before = "text_before";
  names.frames = "frames";
  names.grid_height = "grid height";
  names.grid_width = "grid width";
  names.text_after = "text_after";
  check_synthetic_prompt(p.config, p.prompt, names);
  return p;
}

void check(const VlmFrameMatchSettings& s, std::uint64_t seed) { prepare(s, seed); }

void compute(const VlmFrameMatchSettings& s, std::uint64_t seed, results::RunRecord& r) {
  using namespace vlm_frame_match;
  const Prepared p = prepare(s, seed);
  TensorMap weights = random_weights(p.config, static_cast<std::uint64_t>(s.model_seed));
  tie_first_layer_keys(p.config, &weights, s.scale);
  const FrameMatchResult m = frame_match(p.config, weights, p.rotary, synthetic_video_prompt(p.config, p.prompt));

  const auto n = static_cast<std::int64_t>(m.points.size());
  const std::int64_t heads = p.config.num_attention_heads, kv = p.config.num_key_value_heads;
  std::vector<std::int64_t> apart;
  std::vector<double> offset, copy_mass, frame_mass, log_ratio, closed, tolerance, temporal, spatial;
  const auto append = [](std::vector<double>& to, const std::vector<double>& row) {
    to.insert(to.end(), row.begin(), row.end());
  };
  for (const FrameMatchPoint& q : m.points) {
    apart.push_back(q.frames_apart);
    offset.insert(offset.end(), {q.offset.t, q.offset.h, q.offset.w});
    append(copy_mass, q.copy_mass);
    append(frame_mass, q.frame_mass);
    append(log_ratio, q.log_ratio);
    append(closed, q.log_ratio_closed);
    append(tolerance, q.tolerance);
    append(temporal, q.temporal_score);
    append(spatial, q.spatial_score);
  }
  r.attributes.push_back(attribute(kTiedHeads, m.tied_heads));
  r.attributes.push_back(attribute(kQueryToken, m.query_token));
  r.datasets.push_back(integers(kFramesApart, apart));
  r.datasets.push_back(numbers(kOffset, offset, {n, 3}));
  r.datasets.push_back(numbers(kCopyMass, copy_mass, {n, heads}));
  r.datasets.push_back(numbers(kFrameMass, frame_mass, {n, heads}));
  r.datasets.push_back(numbers(kLogRatio, log_ratio, {n, kv}));
  r.datasets.push_back(numbers(kLogRatioClosed, closed, {n, kv}));
  r.datasets.push_back(numbers(kTolerance, tolerance, {n, kv}));
  r.datasets.push_back(numbers(kTemporalScore, temporal, {n, kv}));
  r.datasets.push_back(numbers(kSpatialScore, spatial, {n, kv}));
}

}  // namespace

const Kind& vlm_frame_match_kind() {
  using namespace vlm_frame_match;
  static const KindOf<VlmFrameMatchSettings> kind(
      "vlm-frame-match", "the semantic preference inside a random-weight VLM with layer 0's keys tied to its queries",
      {}, {kFramesApart, kOffset, kCopyMass, kFrameMass, kLogRatio, kLogRatioClosed, kTolerance, kTemporalScore,
           kSpatialScore},
      {kTiedHeads, kQueryToken}, check, compute);
  return kind;
}

}  // namespace hopelab::kinds
