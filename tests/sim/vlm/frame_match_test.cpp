// The semantic preference inside the model (sim/vlm/frame_match.h): on a tied head of layer 0 the
// log-ratio of the copy's and the query's own attention weight equals the closed form
// sum_i rho_i (cos phi_i - 1) / sqrt(d) within the derived float32 bound, for every method; HoPE's
// temporal pairs contribute the same at every frame distance, M-RoPE's do not.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "sim/vlm/frame_match.h"
#include "sim/vlm/presets.h"
#include "sim/vlm/random_weights.h"
#include "theory/input_error.h"
#include "vlm/synthetic_input.h"

namespace hopelab {
namespace {

struct Fixture {
  VlmConfig config = vlm_preset("tiny");
  TensorMap weights;
  VlmInput prompt;
  Fixture() {
    weights = random_weights(config, 7);
    tie_first_layer_keys(config, &weights);
    SyntheticPrompt p;
    p.text_before = 3;
    p.frames = 9;
    p.grid_height = 2;
    p.grid_width = 3;
    p.text_after = 2;
    p.seed = 11;
    prompt = synthetic_video_prompt(config, p);
  }
};

VlmRotary rotary_of(const std::string& method) {
  VlmRotary r;
  r.method = method;
  return r;
}

double spread(const FrameMatchResult& result, std::size_t tied) {
  double lo = INFINITY, hi = -INFINITY;
  for (const FrameMatchPoint& p : result.points) {
    lo = std::min(lo, p.temporal_score[tied]);
    hi = std::max(hi, p.temporal_score[tied]);
  }
  return hi - lo;
}

TEST(FrameMatch, ModelScoreEqualsClosedFormForEveryMethod) {
  const Fixture f;
  for (const std::string method : {"vanilla", "mrope", "mrope-interleave", "videorope", "hope"}) {
    const FrameMatchResult r = frame_match(f.config, f.weights, rotary_of(method), f.prompt);
    ASSERT_EQ(r.points.size(), 8u) << method;
    for (const FrameMatchPoint& p : r.points) {
      for (std::size_t g = 0; g < r.tied_heads.size(); ++g) {
        // Tolerance: FrameMatchPoint::tolerance, derived in frame_match.cpp (rotation, projection
        // and weight rounding in float32).
        EXPECT_LE(std::fabs(p.log_ratio[g] - p.log_ratio_closed[g]), p.tolerance[g])
            << method << " frames apart " << p.frames_apart << " tied head " << r.tied_heads[g] << ": model "
            << p.log_ratio[g] << " closed form " << p.log_ratio_closed[g];
        EXPECT_GT(std::fabs(p.log_ratio_closed[g]), 100 * p.tolerance[g])
            << method << ": the check must be able to tell a rotation from none";
      }
    }
  }
}

// Twin: the closed form at the wrong frame distance (one frame further) must miss the model.
TEST(FrameMatch, ClosedFormAtTheWrongDistanceFails) {
  const Fixture f;
  const FrameMatchResult r = frame_match(f.config, f.weights, rotary_of("mrope"), f.prompt);
  int misses = 0;
  for (std::size_t i = 0; i + 1 < r.points.size(); ++i) {
    for (std::size_t g = 0; g < r.tied_heads.size(); ++g) {
      misses += std::fabs(r.points[i].log_ratio[g] - r.points[i + 1].log_ratio_closed[g]) > r.points[i].tolerance[g];
    }
  }
  EXPECT_EQ(misses, static_cast<int>((r.points.size() - 1) * r.tied_heads.size()));
}

TEST(FrameMatch, HopeTemporalPairsAreLevelAndMropeOscillates) {
  const Fixture f;
  const FrameMatchResult hope = frame_match(f.config, f.weights, rotary_of("hope"), f.prompt);
  const FrameMatchResult mrope = frame_match(f.config, f.weights, rotary_of("mrope"), f.prompt);
  for (std::size_t g = 0; g < hope.tied_heads.size(); ++g) {
    // HoPE: every temporal pair has zero frequency, so its term is rho_i cos 0 at every distance;
    // the query's q is the same row in every run, so the sum is bit-identical.
    EXPECT_EQ(spread(hope, g), 0.0) << "tied head " << hope.tied_heads[g];
    // M-RoPE's temporal pairs hold its highest frequencies (theta_0 = 1 rad per frame): their sum
    // moves by a sizeable share of its maximum within the 8 distances.
    EXPECT_GT(spread(mrope, g), 0.1 * std::fabs(mrope.points[0].temporal_score[g]) + 1e-3)
        << "tied head " << mrope.tied_heads[g];
  }
}

TEST(FrameMatch, RefusesPromptsWithoutOneVideoOrACellOutsideTheGrid) {
  const Fixture f;
  VlmInput text_only;
  text_only.input_ids = {1, 2, 3};
  EXPECT_THROW(frame_match(f.config, f.weights, rotary_of("mrope"), text_only), InputError);
  FrameMatchSetup outside;
  outside.cell_row = 2;
  try {
    frame_match(f.config, f.weights, rotary_of("mrope"), f.prompt, outside);
    FAIL() << "a cell outside the grid was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("(2, 1)"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace hopelab
