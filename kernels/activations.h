#pragma once
// The activations of the Qwen2-VL architecture (docs/vlm.md), float32, host and device:
// SiLU (the LLM's SwiGLU), QuickGELU (the vision blocks) and the exact GELU (the merger), and
// their derivatives. Straight-line exps so that their loops vectorise: the activations take
// kernels/rounded_exp.h (within 0.5 + 5e-6 ulp, as expf), the derivatives (the backward pass)
// kernels/fast_exp.h (3 ulp); GELU keeps the library's erff.

#include <cmath>

#include "kernels/fast_exp.h"
#include "kernels/rounded_exp.h"
#include "theory/host_device.h"

namespace hopelab {

// SiLU(x) = x sigma(x).
HOPELAB_HD inline float silu(float x) { return x / (1.0f + rounded_exp(-x)); }
// QuickGELU(x) = x sigma(1.702 x).
HOPELAB_HD inline float quick_gelu(float x) { return x / (1.0f + rounded_exp(-1.702f * x)); }
// GELU(x) = x Phi(x) = x (1 + erf(x / sqrt 2)) / 2.
HOPELAB_HD inline float gelu(float x) { return 0.5f * x * (1.0f + ::erff(x * 0.70710678118654752f)); }

// Derivatives, for the backward pass (sim/train). With s = sigma(a x):
// d/dx x sigma(a x) = s (1 + a x (1 - s)): SiLU (a = 1) and QuickGELU (a = 1.702).
HOPELAB_HD inline float sigmoid(float z) { return 1.0f / (1.0f + fast_exp(-z)); }
// The same given s = sigma(a x) already computed.
HOPELAB_HD inline float scaled_silu_derivative_given(float x, float s, float a) { return s * (1.0f + a * x * (1.0f - s)); }
HOPELAB_HD inline float scaled_silu_derivative(float x, float a) {
  return scaled_silu_derivative_given(x, sigmoid(a * x), a);
}
HOPELAB_HD inline float quick_gelu_derivative(float x) { return scaled_silu_derivative(x, 1.702f); }
// d/dx x Phi(x) = Phi(x) + x phi(x), phi(x) = exp(-x^2 / 2) / sqrt(2 pi).
HOPELAB_HD inline float gelu_derivative(float x) {
  return 0.5f * (1.0f + ::erff(x * 0.70710678118654752f)) + x * 0.39894228040143268f * fast_exp(-0.5f * x * x);
}

}  // namespace hopelab
