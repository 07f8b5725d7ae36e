#pragma once
// kind "vlm-frame-match": sim/vlm/frame_match.h's end-to-end check of the semantic preference on
// a random-weight VLM (preset, model_seed) with layer 0's keys tied to its queries, over a
// synthetic one-video prompt (vlm/synthetic_input.h, seeded by the unit's seed).

#include "kinds/kind.h"
#include "params/vlm_method.h"

namespace hopelab::kinds {

struct VlmFrameMatchSettings {
  params::VlmMethodParams method;
  std::string preset = "tiny";
  std::int64_t model_seed = 0;
  std::optional<std::int64_t> seed;  // default: the experiment's seed
  std::int64_t frames = 16;
  std::string grid = "2x3";
  std::int64_t text_before = 4, text_after = 2;
  double scale = 4.0;
};

template <class V>
void visit_fields(VlmFrameMatchSettings& s, V&& v) {
  using namespace params;
  visit_fields(s.method, v);
  v(Field{"preset", "", words("tiny, needle, base100m"), "model size (sim/vlm/presets.h)"}, s.preset);
  v(Field{"model_seed", "1", at_least(0), "seed of the random weights"}, s.model_seed);
  v(Field{"seed", "1", at_least(0), "seed of the synthetic prompt (default: [experiment] seed)"}, s.seed);
  v(Field{"frames", "frame", at_least(2), "temporal patches F of the video: copies at 1 .. F - 1 frames apart"},
    s.frames);
  v(Field{"grid", "token", words("\"HxW\""), "LLM grid of a frame"}, s.grid);
  v(Field{"text_before", "token", at_least(0), "text tokens before the video"}, s.text_before);
  v(Field{"text_after", "token", at_least(0), "text tokens after the video"}, s.text_after);
  v(Field{"scale", "1", Range{0, 1e3, true, false, nullptr}, "tie scale of layer 0's tied q/k rows: scores on tied heads grow by scale^2"},
    s.scale);
}

namespace vlm_frame_match {
inline constexpr DatasetName kFramesApart{"frames_apart", "frame", "Delta f: the copy is frame F - 1 - Delta f"};
inline constexpr DatasetName kOffset{"offset", "position", "pos(query) - pos(copy) (t, h, w), (n, 3)"};
inline constexpr DatasetName kCopyMass{"copy_mass", "1", "layer-0 softmax weight of the copy per query head, (n, n_h)"};
inline constexpr DatasetName kFrameMass{"frame_mass", "1",
                                        "layer-0 softmax weight summed over the copy's frame per query head, (n, n_h)"};
inline constexpr DatasetName kLogRatio{"log_ratio", "nat",
                                       "the model's ln(w_copy / w_self) on each tied head (tied_heads), (n, n_kv)"};
inline constexpr DatasetName kLogRatioClosed{"log_ratio_closed", "nat",
                                             "closed form sum_i rho_i (cos phi_i - 1) / sqrt(d), (n, n_kv)"};
inline constexpr DatasetName kTolerance{"tolerance", "nat",
                                        "derived float32 bound on |log_ratio - log_ratio_closed|, (n, n_kv)"};
inline constexpr DatasetName kTemporalScore{"temporal_score", "nat",
                                            "sum over t-axis pairs of rho_i cos phi_i / sqrt(d), (n, n_kv)"};
inline constexpr DatasetName kSpatialScore{"spatial_score", "nat", "the same over h and w pairs, (n, n_kv)"};
inline constexpr AttributeName kTiedHeads{"tied_heads", "1", "the query head of each KV head's tied pair, (n_kv)"};
inline constexpr AttributeName kQueryToken{"query_token", "token", "index of the query token in the prompt"};
}  // namespace vlm_frame_match

const Kind& vlm_frame_match_kind();

}  // namespace hopelab::kinds
