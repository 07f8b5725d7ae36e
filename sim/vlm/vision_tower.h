#pragma once
// Qwen2-VL's vision tower (docs/vlm.md "Vision tower"), one image or video grid at a time:
// patch embedding, 2D rotary positions per temporal patch, `depth` pre-norm ViT blocks with
// attention bidirectional within one temporal patch, and the merger (LayerNorm, m^2 rows
// concatenated, mlp.2(GELU(mlp.0(.)))). float32.

#include <cstdint>
#include <vector>

#include "sim/vlm/model_weights.h"
#include "sim/vlm/vlm_input.h"
#include "sim/vlm/vlm_rotary.h"
#include "theory/position_design.h"

namespace hopelab {

// Step 2: the (hpos, wpos) of every patch row of a grid, row r at (0, hpos, wpos) with r taken
// within its temporal patch: window b = r / m^2, slot j = r % m^2,
// hpos = (b / (w/m)) m + j / m, wpos = (b % (w/m)) m + j % m. Returns (t h w) positions.
PositionIds vision_positions(const VisualGrid& grid, int merge);

// The merger outputs of one grid: (t (h/m) (w/m), H), one row per LLM visual token.
// pixels: (t h w, C T_p p p) in the processor's row order.
std::vector<float> encode_grid(const VisionConfig& vision, const VisionWeights& weights, const RotaryTable& rotary,
                               const float* pixels, const VisualGrid& grid);

}  // namespace hopelab
