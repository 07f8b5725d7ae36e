#pragma once
// The layer operations of the Qwen2-VL architecture (docs/vlm.md) over arrays of rows (tokens):
// Linear y = x W^T + b with W stored (out, in) as PyTorch does, RMSNorm and LayerNorm (biased
// variance) row by row from kernels/row_norms.h, and kernels/activations.h's activations.
// Row-major float32; norms accumulate in double.

#include <cstdint>

#include "kernels/activations.h"

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

// In place over n values (kernels/activations.h). x: (n).
void apply_quick_gelu(float* x, std::int64_t n);
void apply_gelu(float* x, std::int64_t n);
// gate <- SiLU(gate) * up, the SwiGLU product. gate, up: (n).
void apply_silu_mul(float* gate, const float* up, std::int64_t n);

}  // namespace hopelab
