#pragma once
// A named float32 tensor of a checkpoint, row-major (C order), as safetensors stores it.
// Checkpoints in bf16 or f16 are widened to float32 on load; the model computes in float32.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace hopelab {

struct Tensor {
  std::vector<std::int64_t> shape;  // e.g. (out, in) for a Linear weight, as PyTorch stores it
  std::vector<float> data;          // (prod(shape)), row-major

  std::int64_t numel() const {
    std::int64_t n = 1;
    for (std::int64_t s : shape) n *= s;
    return n;
  }
};

// Parameter name (Qwen2-VL's, e.g. "model.layers.0.self_attn.q_proj.weight") -> tensor.
using TensorMap = std::map<std::string, Tensor>;

}  // namespace hopelab
