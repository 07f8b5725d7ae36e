#pragma once
// The layer operations of the VLM's device backend (docs/vlm.md "Device backend") on
// DeviceBuffer memory (device_buffer.h). Each element-wise or row-wise operation is one Thrust
// kernel whose per-element body is the kernels/ function the host model uses too
// (row_norms.h, activations.h, rotary.h) or the per-row attention of kernels/attention_row.h.
// A Linear is the column-major GEMM of gemm_plan.h with no bias (cublasSgemm in the CUDA
// build; the same plan through Eigen in the CPU build), then one bias kernel shared by both. Row-major float32; the
// pointers are device pointers.

#include <cstdint>

#include "sim/vlm/attention.h"
#include "sim/vlm/device/device_buffer.h"
#include "sim/vlm/layer_ops.h"  // LinearWeights
#include "theory/allocation.h"

namespace hopelab {

// A Linear layer on the device. weight: (out, in); bias: (out), empty when the layer has none.
struct DeviceLinear {
  DeviceBuffer weight;
  DeviceBuffer bias;
  int out = 0;
  int in = 0;
};

DeviceLinear upload_linear(const LinearWeights& w);

// The matrix products: owns the cuBLAS handle in the CUDA build. Not copyable.
class DeviceGemm {
 public:
  DeviceGemm();
  ~DeviceGemm();
  DeviceGemm(const DeviceGemm&) = delete;
  DeviceGemm& operator=(const DeviceGemm&) = delete;

  // y = x W^T + b. x: (rows, in); y: (rows, out), not overlapping x.
  void linear(const float* x, std::int64_t rows, const DeviceLinear& w, float* y) const;

 private:
  void* handle_ = nullptr;  // cublasHandle_t in the CUDA build
};

// RMSNorm of every row. x, y: (rows, width), may be the same; weight: (width).
void device_rms_norm(const float* x, std::int64_t rows, int width, const float* weight, double eps, float* y);
// LayerNorm of every row. x, y: (rows, width), may be the same; weight, bias: (width).
void device_layer_norm(const float* x, std::int64_t rows, int width, const float* weight, const float* bias,
                       double eps, float* y);
// In place over n values: QuickGELU and the exact GELU. x: (n).
void device_quick_gelu(float* x, std::int64_t n);
void device_gelu(float* x, std::int64_t n);
// out row r <- table row ids[r]. table: (entries, width); ids: (rows), in range; out: (rows, width).
void device_gather_rows(const float* table, const std::int64_t* ids, std::int64_t rows, int width, float* out);
// out row targets[r] <- rows row r. rows: (n, width); targets: (n), distinct.
void device_scatter_rows(const float* rows, const std::int64_t* targets, std::int64_t n, int width, float* out);
// gate <- SiLU(gate) * up. gate, up: (n).
void device_silu_mul(float* gate, const float* up, std::int64_t n);
// x <- x + y. x, y: (n).
void device_add(float* x, const float* y, std::int64_t n);
// Rotates `heads` head slices (d wide) of every row in place, row r by angles (rows, d/2).
// x: (rows, stride).
void device_rotate_rows(const float* angles, std::int64_t rows, int heads, int head_dim, PairLayout layout, float* x,
                        std::int64_t stride);
// out = softmax(q k^T / sqrt(d) + mask) v per head (sim/vlm/attention.h's arguments, device
// pointers), one thread per (head, query) row folding its keys in ascending order.
// head_dim <= kAttendRowMaxHeadDim.
void device_attention(const AttentionShape& shape, const AttentionArgs& args);

}  // namespace hopelab
