#pragma once
// The vision tower on the device (docs/vlm.md "Vision tower"; the host version is
// sim/vlm/vision_tower.cpp, step for step): patch embedding, `depth` ViT blocks with 2D rotary
// and attention within each temporal patch, then the merger. Weights in device memory.

#include <vector>

#include "sim/vlm/device/device_buffer.h"
#include "sim/vlm/device/device_ops.h"
#include "sim/vlm/model_weights.h"
#include "sim/vlm/vlm_config.h"
#include "sim/vlm/vlm_input.h"
#include "sim/vlm/vlm_rotary.h"

namespace hopelab {

struct DeviceVisionBlock {
  DeviceBuffer norm1_weight, norm1_bias;  // (E)
  DeviceLinear qkv;                       // (3E, E)
  DeviceLinear proj;                      // (E, E)
  DeviceBuffer norm2_weight, norm2_bias;  // (E)
  DeviceLinear fc1, fc2;                  // (4E, E), (E, 4E)
};

struct DeviceVisionWeights {
  DeviceLinear patch_embed;  // (E, C T_p p p)
  std::vector<DeviceVisionBlock> blocks;
  DeviceBuffer ln_q_weight, ln_q_bias;  // (E)
  DeviceLinear mlp0, mlp2;              // (4E, 4E), (H, 4E)
};

DeviceVisionWeights upload_vision_weights(const VisionConfig& vision, const VisionWeights& weights);

// The merger outputs of one grid: (t (h/m) (w/m), H) in device memory. host_pixels:
// (t h w, C T_p p p) in the processor's row order, on the host.
DeviceBuffer device_encode_grid(const VisionConfig& vision, const DeviceVisionWeights& weights, const DeviceGemm& gemm,
                                const RotaryTable& rotary, const float* host_pixels, const VisualGrid& grid);

}  // namespace hopelab
