#pragma once
// input.safetensors (docs/vlm.md "Input"): input_ids I64 (L); optional pixel_values F32
// (N_i, C T_p p p) with image_grid_thw I64 (n_images, 3); optional pixel_values_videos F32
// (N_v, C T_p p p) with video_grid_thw I64 (n_videos, 3); optional labels I64 (L), training
// targets (-100 ignored; sim/train/cross_entropy.h). Grids count patches (t, h, w).

#include <map>
#include <string>

#include "sim/vlm/vlm_config.h"
#include "sim/vlm/vlm_input.h"

namespace hopelab {

// Checks a prompt against a model: ids in [0, vocab), grids positive with h and w divisible by
// the merge size, pixel rows = sum of t h w and width = patch_dim, finite pixels, and each run of
// image (video) token ids exactly t (h / m) (w / m) long, runs matched to grids in order.
// Throws InputError naming `source` and the tensor or grid.
void validate_input(const VlmInput& input, const VlmConfig& config, const std::string& source);

// Reads and validates (dtypes and shapes as above; unknown tensors refused by name).
VlmInput read_input_file(const std::string& path, const VlmConfig& config);

// Writes the tensors present (pixel tensors only with at least one grid) plus `metadata`,
// through a temporary renamed into place.
void write_input_file(const std::string& path, const VlmInput& input,
                      const std::map<std::string, std::string>& metadata);

}  // namespace hopelab
