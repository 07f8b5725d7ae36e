#pragma once
// The semantic preference inside the model (docs/theory.md §9): a video prompt whose frame f is
// a copy of its last frame. The first decoder layer's key projection is tied to its query
// projection on one query head per KV head (k_proj rows of KV head g := q_proj rows of query head
// g n_h / n_kv, biases too), so on a tied head a token's key equals its query. The query token
// (last frame, cell (r, c)) and its copy (frame f, same cell) enter layer 0 with identical
// hidden states, so the copy's score is q^T R(Delta) q / sqrt(d) and
//   ln(w_copy / w_self) = sum_i rho_i (cos phi_i(Delta) - 1) / sqrt(d),  rho_i = q_a_i^2 + q_b_i^2,
// with phi_i = pair_angle(Delta_axis(i), theta_i, zero_i): one sample of the 2 sigma^2 sum cos
// of the theory. Layer 0 only: deeper layers see different contexts for the two tokens.

#include <cstdint>
#include <vector>

#include "sim/vlm/tensor.h"
#include "sim/vlm/vlm_config.h"
#include "sim/vlm/vlm_input.h"
#include "sim/vlm/vlm_rotary.h"
#include "theory/position_design.h"

namespace hopelab {

struct FrameMatchSetup {
  std::int64_t cell_row = -1;  // query cell in the LLM grid; -1: the centre row GH / 2
  std::int64_t cell_col = -1;  // -1: the centre column GW / 2
};

// One copy position: frame f = F - 1 - frames_apart.
struct FrameMatchPoint {
  std::int64_t frames_apart = 0;        // Delta f >= 1
  Position3 offset;                     // pos(query) - pos(copy)
  std::vector<double> copy_mass;        // (n_h) softmax weight of the copy
  std::vector<double> frame_mass;       // (n_h) summed over the copy's frame (GH GW tokens)
  std::vector<double> log_ratio;        // (n_kv) tied heads: ln(w_copy / w_self), the model's
  std::vector<double> log_ratio_closed; // (n_kv) sum_i rho_i (cos phi_i - 1) / sqrt(d)
  std::vector<double> tolerance;        // (n_kv) derived float32 bound on |model - closed|
  std::vector<double> temporal_score;   // (n_kv) sum over t-axis pairs of rho_i cos phi_i / sqrt(d)
  std::vector<double> spatial_score;    // (n_kv) the same over h and w pairs
};

struct FrameMatchResult {
  std::vector<std::int64_t> tied_heads;  // (n_kv) query head of each tied pair
  std::int64_t query_token = 0;          // index of the query token in the prompt
  std::vector<FrameMatchPoint> points;   // Delta f = 1 .. F - 1
};

// k_proj (and bias) rows of KV head g of decoder layer 0 := q_proj rows of query head
// g n_h / n_kv, after scaling those q_proj rows by `scale` (scores on tied heads grow by scale^2:
// random small weights give nearly uniform attention, a scale makes its changes visible).
// weights: checked against config by the model later.
void tie_first_layer_keys(const VlmConfig& config, TensorMap* weights, double scale = 1.0);

// Runs one prefill per copy frame of `prompt` (exactly one video, F >= 2 temporal patches) with
// the layer-0 probe at the query token. weights are taken as given (tie them first).
// Throws InputError naming a prompt without exactly one video, F < 2, or a cell outside the grid.
FrameMatchResult frame_match(const VlmConfig& config, const TensorMap& weights, const VlmRotary& rotary,
                             const VlmInput& prompt, const FrameMatchSetup& setup = {});

}  // namespace hopelab
