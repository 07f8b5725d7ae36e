#pragma once
// Positions of videos sampled with a frame stride (the control of docs/vlm.md "Training"): a
// video of F frames taken every s-th frame of a longer one gets, under any position design,
// the positions its frames have in the video of s (F - 1) + 1 frames, and the text after it the
// positions it has after that longer video. So long temporal distances are seen in training
// without longer prompts.

#include <cstdint>

#include "theory/layout.h"
#include "theory/method.h"
#include "theory/position_design.h"

namespace hopelab {

// Every video segment of `layout` strided by `stride` >= 1 (1: the layout's own positions).
// Returns (token_count(layout)) positions.
PositionIds strided_positions(const Method& method, const Layout& layout, std::int64_t stride);

}  // namespace hopelab
