#pragma once
// The activations of the Qwen2-VL architecture (docs/vlm.md), float32, host and device:
// SiLU (the LLM's SwiGLU), QuickGELU (the vision blocks) and the exact GELU (the merger).

#include <cmath>

#include "theory/host_device.h"

namespace hopelab {

// SiLU(x) = x sigma(x).
HOPELAB_HD inline float silu(float x) { return x / (1.0f + ::expf(-x)); }
// QuickGELU(x) = x sigma(1.702 x).
HOPELAB_HD inline float quick_gelu(float x) { return x / (1.0f + ::expf(-1.702f * x)); }
// GELU(x) = x Phi(x) = x (1 + erf(x / sqrt 2)) / 2.
HOPELAB_HD inline float gelu(float x) { return 0.5f * x * (1.0f + ::erff(x * 0.70710678118654752f)); }

}  // namespace hopelab
