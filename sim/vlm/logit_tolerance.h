#pragma once
// The forward error bound of the float32 model's logits against exact arithmetic: the tolerance
// of the model tests, the device-parity tests and vlm_device_bench.
//
// Each stage of the network (a Linear, a score or p v product, a norm, a rotation) computes
// values as sums of n products in float, and errors of successive stages add:
// float32_error_bound(N, M), N the sum of the stages' n (docs/theory.md §10). The fixture's
// weights are unit gain (N(0, 1/in)) and every residual branch starts with a norm, so sum |terms|
// stays within a small factor of the output scale: M = 4 max |logit|, the 4 for the gain of
// |terms| over |result| and the few extra roundings per stage (bias, residual add, activation,
// exp). The rotation adds, per rotated vector, the float angle's rounding (|phi mod 2 pi| < 8:
// half an ulp, 4u) and cosf / sinf (1 ulp each): 8u, counted as a stage of n = 8 on q and on k.

#include <cstdint>

#include "kernels/float_error.h"
#include "sim/vlm/vlm_config.h"

namespace hopelab {

// sum of inner lengths n along the longest path from pixels to a logit, with `vision_keys` and
// `keys` the largest attention spans (a temporal patch's patches; the prompt length).
inline double stage_length_sum(const VlmConfig& c, std::int64_t vision_keys, std::int64_t keys) {
  const VisionConfig& v = c.vision;
  const double e = v.embed_dim, dv = v.head_dim(), h = c.hidden_size, d = c.head_dim();
  double n = v.patch_dim();                                                        // patch embedding
  n += v.depth * (e + 2 * 8 + dv + static_cast<double>(vision_keys) + e + e + v.mlp_ratio * e + 2 * e);  // norm, rotary, qk, pv, proj, fc1, fc2, norms
  n += e + v.merge_width() + v.merge_width();                                      // ln_q, mlp.0, mlp.2
  n += c.num_hidden_layers * (h + h + 2 * 8 + d + static_cast<double>(keys) + h + h + h + c.intermediate_size);
  n += h + h;                                                                      // final norm, lm_head
  return n;
}

// |logit error| <= tolerance against exact arithmetic (see above).
inline double logit_tolerance(const VlmConfig& c, std::int64_t vision_keys, std::int64_t keys, double logit_scale) {
  return float32_error_bound(stage_length_sum(c, vision_keys, keys), 4.0 * logit_scale);
}

}  // namespace hopelab
