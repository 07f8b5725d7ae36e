#pragma once
// One multimodal prompt in Qwen2-VL's processor format. input_ids hold each image as a run of
// image_token_id and each video as a run of video_token_id, one id per LLM visual token, that is
// t * (h / m) * (w / m) ids for a grid (t, h, w) of patches with m = spatial_merge_size
// (a run is normally framed by vision_start / vision_end ids, which are ordinary text tokens).
// Patch rows follow the processor's order: temporal patch, then merge window (row-major over the
// (h / m) x (w / m) windows), then patch within the window (row-major m x m); one row is a
// patch flattened in (C, temporal_patch_size, patch_size, patch_size) order.

#include <cstdint>
#include <vector>

#include "sim/vlm/tensor.h"

namespace hopelab {

struct VisualGrid {
  std::int64_t t = 1, h = 0, w = 0;  // temporal patches, patch rows, patch columns
};

struct VlmInput {
  std::vector<std::int64_t> input_ids;    // (L)
  Tensor pixel_values;                    // (sum over images of t h w, patch_dim)
  std::vector<VisualGrid> image_grid_thw; // one per image run, in order
  Tensor pixel_values_videos;             // (sum over videos of t h w, patch_dim)
  std::vector<VisualGrid> video_grid_thw; // one per video run, in order
  std::vector<std::int64_t> labels;       // (L) training targets (-100: ignored), or empty; the
                                          // forward ignores them (sim/train reads them)
};

}  // namespace hopelab
