#pragma once
// A batch of prompts laid end to end as one prompt (docs/vlm.md "Training"): input_ids, labels,
// pixels and grids concatenated in order, each prompt's own positions (as if it were alone), and
// the lengths of the sequences, so that attention stays within each (PrefillOptions::segments).
// One forward and backward over the packed rows does every Linear, norm and activation as one
// large product or loop.

#include <cstdint>
#include <vector>

#include "sim/vlm/vlm_input.h"
#include "sim/vlm/vlm_positions.h"

namespace hopelab {

struct PackedBatch {
  VlmInput input;                      // (sum of L) rows; labels present when every prompt has them
  PositionIds positions;               // each prompt's positions, concatenated
  std::vector<std::int64_t> segments;  // each prompt's L
};

// prompts and positions: one entry per prompt, positions[i] of prompts[i]'s length.
PackedBatch pack_batch(const std::vector<const VlmInput*>& prompts, const std::vector<PositionIds>& positions);

}  // namespace hopelab
