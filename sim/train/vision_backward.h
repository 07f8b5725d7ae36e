#pragma once
// The backward pass of one grid through the vision tower and the merger (sim/vlm/vision_tower.h
// encode_grid), reading what the training forward kept (GridTape), step by step in reverse:
// merger mlp.2, GELU, mlp.0, ln_q; each block's MLP and attention (sim/train/backward_ops.h,
// attention_backward.h); the patch embedding. Host float32.

#include "sim/train/gradient_views.h"
#include "sim/vlm/forward_tape.h"
#include "sim/vlm/host_ops.h"
#include "sim/vlm/vlm_input.h"
#include "sim/vlm/vlm_rotary.h"

namespace hopelab {

// Adds the gradient of the loss into *g given dmerged (t (h/m) (w/m), H), the gradient of the
// grid's merger rows. host_pixels: (t h w, C T_p p p) as the forward read them.
void grid_backward(const VisionConfig& v, const VisionWeights<HostOps>& w, const RotaryTable& rotary,
                   const GridTape<HostOps>& tape, const float* host_pixels, const VisualGrid& grid,
                   const float* dmerged, VisionWeights<GradientViewOps>* g);

}  // namespace hopelab
