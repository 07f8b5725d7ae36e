#pragma once
// The layer operations of the Qwen2-VL architecture (docs/vlm.md): Linear y = x W^T + b with W
// stored (out, in) as PyTorch does, RMSNorm, LayerNorm (biased variance), SiLU, QuickGELU and the
// exact GELU. Row-major float32; norms accumulate in double. Rows are tokens.

#include <cmath>
#include <cstdint>

namespace hopelab {

// A Linear layer's weights, borrowed from a TensorMap. weight: (out, in); bias: (out) or null.
struct LinearWeights {
  const float* weight = nullptr;
  const float* bias = nullptr;
  int out = 0;
  int in = 0;
};

// y = x W^T + b (docs/vlm.md "A Linear with weight W"). x: (rows, in); y: (rows, out).
// Tiles of fixed size run in parallel (OpenMP); each output value is computed the same way for
// any thread count.
void linear(const float* x, std::int64_t rows, const LinearWeights& w, float* y);

// y = x / sqrt(mean(x^2) + eps) * weight. x, y: (rows, width), may alias; weight: (width).
void rms_norm(const float* x, std::int64_t rows, int width, const float* weight, double eps, float* y);

// y = (x - mean) / sqrt(var + eps) * weight + bias, var biased. x, y: (rows, width), may alias;
// weight, bias: (width).
void layer_norm(const float* x, std::int64_t rows, int width, const float* weight, const float* bias,
                double eps, float* y);

// SiLU(x) = x sigma(x).
inline float silu(float x) { return x / (1.0f + std::exp(-x)); }
// QuickGELU(x) = x sigma(1.702 x).
inline float quick_gelu(float x) { return x / (1.0f + std::exp(-1.702f * x)); }
// GELU(x) = x Phi(x) = x (1 + erf(x / sqrt 2)) / 2.
inline float gelu(float x) { return 0.5f * x * (1.0f + std::erf(x * 0.70710678118654752f)); }

// In place over n values. x: (n).
void apply_quick_gelu(float* x, std::int64_t n);
void apply_gelu(float* x, std::int64_t n);
// gate <- SiLU(gate) * up, the SwiGLU product. gate, up: (n).
void apply_silu_mul(float* gate, const float* up, std::int64_t n);

}  // namespace hopelab
