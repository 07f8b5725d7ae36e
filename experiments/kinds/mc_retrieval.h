#pragma once
// kind "mc-retrieval": Monte Carlo of a needle frame among a video's keys (sim/retrieval.h):
// the needle's softmax mass and top-1 rate at each depth (and frame count, over a range of
// them), optionally against similar distractors.

#include "kinds/kind.h"
#include "params/method.h"
#include "params/sampling.h"
#include "sim/retrieval.h"

namespace hopelab::kinds {

struct McRetrievalSettings {
  params::MethodParams method;
  std::int64_t frames = 0;  // required
  std::optional<std::int64_t> frames_end, frames_step;
  std::string grid = "12x12";
  std::vector<double> depth = {0.5};
  std::string needle_cell = "centre";
  std::optional<std::int64_t> similar_period;
  std::int64_t text_before = 16, text_after = 16;
  std::int64_t samples = 1000;
  std::optional<std::int64_t> seed;
  double sigma = 1.0, eps = 1.0;
  std::string precision = "fp64";
};

template <class V>
void visit_fields(McRetrievalSettings& s, V&& v) {
  using namespace params;
  visit_fields(s.method, v);
  v(Field{"frames", "frame", at_least(1), "video frames F (required); with frames_end, the first of a range"},
    s.frames);
  v(Field{"frames_end", "frame", at_least(2),
          "a range of frame counts frames, frames + frames_step, ... < frames_end: a row per count and depth"},
    s.frames_end);
  v(Field{"frames_step", "frame", at_least(1), "step of that range (default 1)"}, s.frames_step);
  v(Field{"grid", "token", words("\"HxW\""), "frame grid in LLM tokens"}, s.grid);
  v(Field{"depth", "1", closed(0, 1), "needle depths: frame round(depth (F - 1))"}, s.depth);
  v(Field{"needle_cell", "", words("\"ROW,COL\" or centre"), "the needle's cell"}, s.needle_cell);
  v(Field{"similar_period", "frame", at_least(1), "P: a similar distractor in the needle's cell every P frames"},
    s.similar_period);
  v(Field{"text_before", "token", at_least(0), "text tokens before the video"}, s.text_before);
  v(Field{"text_after", "token", at_least(0), "text tokens after the video (the query is the last)"}, s.text_after);
  v(Field{"samples", "1", at_least(2), "samples N"}, s.samples);
  v(Field{"seed", "1", at_least(0), "Philox seed of this run (default: [experiment] seed)"}, s.seed);
  v(Field{"sigma", "1", kSigmaRange, "standard deviation of q and k components"}, s.sigma);
  v(Field{"eps", "1", any(), "needle k* - q in units of sigma"}, s.eps);
  v(Field{"precision", "", words("fp64, fp32"), "rotation phases in float64 or float32"}, s.precision);
}

namespace mc_retrieval {
// Rows: one per depth, or per (frame count, depth), counts slowest, over a range of counts.
inline constexpr DatasetName kFrameCount{"frame_count", "frame", "frames F of each row (only with frames_end)", true};
inline constexpr DatasetName kDepth{"depth", "1", "needle depth in [0, 1]"};
inline constexpr DatasetName kKeys{"keys", "token", "keys L of the layout"};
inline constexpr DatasetName kNeedleFrame{"needle_frame", "frame", "frame of the needle"};
inline constexpr DatasetName kNeedleOffset{"needle_offset", "position", "pos(query) - pos(needle), (K, 3)"};
inline constexpr DatasetName kMass{"mass", "1", "mean softmax mass of the needle"};
inline constexpr DatasetName kMassStandardError{"mass_standard_error", "1", "its standard error"};
inline constexpr DatasetName kHitRate{"hit_rate", "1", "rate of the needle being the strict top-1"};
inline constexpr DatasetName kHitStandardError{"hit_standard_error", "1", "its standard error"};
inline constexpr DatasetName kSimilarDistractors{"similar_distractors", "1", "similar distractors K"};
inline constexpr DatasetName kSimilarHitRate{"similar_hit_rate", "1",
                                             "needle above every similar distractor (1 when K = 0)"};
inline constexpr DatasetName kSimilarHitStandardError{"similar_hit_standard_error", "1", "its standard error"};
inline constexpr DatasetName kN{"n", "1", "samples"};
}  // namespace mc_retrieval

const Kind& mc_retrieval_kind();

// The setup of each row, in row order, checked (validate_retrieval). Throws InputError naming a
// bad value.
std::vector<RetrievalSetup> retrieval_setups(const McRetrievalSettings& s);

}  // namespace hopelab::kinds
