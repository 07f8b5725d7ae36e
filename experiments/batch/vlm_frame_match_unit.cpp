#include "batch/vlm_frame_match_unit.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "batch/spec.h"
#include "batch/unit_datasets.h"
#include "cli_grid.h"
#include "sim/vlm/frame_match.h"
#include "sim/vlm/presets.h"
#include "sim/vlm/random_weights.h"
#include "theory/input_error.h"
#include "vlm/synthetic_input.h"

namespace hopelab::batch {

namespace {

// The unit runs F - 1 prefills of the whole prompt; a cap keeps a typo from running for hours.
constexpr std::int64_t kMaxVideoTokens = 1 << 16;

struct Prepared {
  VlmConfig config;
  VlmRotary rotary;
  SyntheticPrompt prompt;
};

Prepared prepare(const VlmFrameMatchSpec& s, std::uint64_t seed) {
  const std::vector<std::string>& presets = vlm_preset_names();
  if (std::find(presets.begin(), presets.end(), s.preset) == presets.end()) {
    std::string list;
    for (const std::string& p : presets) list += (list.empty() ? "" : ", ") + p;
    throw InputError("preset must be one of " + list + ", got '" + s.preset + "'");
  }
  if (s.frames < 2) throw InputError("frames must be >= 2 (a copy needs another frame), got " + std::to_string(s.frames));
  if (!(s.scale > 0)) throw InputError("scale must be > 0, got " + number_name(s.scale));
  if (s.model_seed < 0) throw InputError("model_seed must be >= 0, got " + std::to_string(s.model_seed));
  if (s.text_before < 0) throw InputError("text_before must be >= 0, got " + std::to_string(s.text_before));
  if (s.text_after < 0) throw InputError("text_after must be >= 0, got " + std::to_string(s.text_after));
  const cli::FrameGrid grid = cli::parse_frame_grid(s.grid, "grid");
  if (grid.height > kMaxVideoTokens || grid.width > kMaxVideoTokens ||
      s.frames > kMaxVideoTokens / (grid.height * grid.width)) {
    throw InputError("frames x grid must be at most " + std::to_string(kMaxVideoTokens) + " video tokens, got " +
                     std::to_string(s.frames) + " frames of " + s.grid);
  }
  Prepared p;
  p.config = vlm_preset(s.preset);
  p.rotary.method = s.method;
  p.rotary.options.gamma = s.gamma;
  p.rotary.options.delta = s.delta;
  language_method(p.config, p.rotary);  // throws InputError naming a bad method or option
  p.prompt.text_before = s.text_before;
  p.prompt.frames = s.frames;
  p.prompt.grid_height = grid.height;
  p.prompt.grid_width = grid.width;
  p.prompt.text_after = s.text_after;
  p.prompt.seed = seed;
  return p;
}

}  // namespace

void check(const VlmFrameMatchSpec& s, std::uint64_t seed) { prepare(s, seed); }

void compute(const VlmFrameMatchSpec& s, std::uint64_t seed, results::RunRecord& r) {
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
  r.attributes.push_back({"tied_heads", m.tied_heads});
  r.attributes.push_back({"query_token", m.query_token});
  r.datasets.push_back(integers("frames_apart", "frame", apart, "Delta f: the copy is frame F - 1 - Delta f"));
  r.datasets.push_back(numbers("offset", "position", offset, "pos(query) - pos(copy) (t, h, w), (n, 3)", {n, 3}));
  r.datasets.push_back(numbers("copy_mass", "1", copy_mass, "layer-0 softmax weight of the copy per query head, (n, n_h)",
                               {n, heads}));
  r.datasets.push_back(numbers("frame_mass", "1", frame_mass,
                               "layer-0 softmax weight summed over the copy's frame per query head, (n, n_h)", {n, heads}));
  r.datasets.push_back(numbers("log_ratio", "nat", log_ratio,
                               "the model's ln(w_copy / w_self) on each tied head (tied_heads), (n, n_kv)", {n, kv}));
  r.datasets.push_back(numbers("log_ratio_closed", "nat", closed,
                               "closed form sum_i rho_i (cos phi_i - 1) / sqrt(d), (n, n_kv)", {n, kv}));
  r.datasets.push_back(numbers("tolerance", "nat", tolerance,
                               "derived float32 bound on |log_ratio - log_ratio_closed|, (n, n_kv)", {n, kv}));
  r.datasets.push_back(numbers("temporal_score", "nat", temporal,
                               "sum over t-axis pairs of rho_i cos phi_i / sqrt(d), (n, n_kv)", {n, kv}));
  r.datasets.push_back(numbers("spatial_score", "nat", spatial, "the same over h and w pairs, (n, n_kv)", {n, kv}));
}

}  // namespace hopelab::batch
