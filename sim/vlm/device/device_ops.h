#pragma once
// The device's Ops for the VLM graph (sim/vlm/vlm_graph.h; docs/vlm.md "Device backend"): the
// operations the one decoder layer, vision block and KV cache call, on DeviceBuffer memory
// (device_buffer.h). Each element-wise or row-wise operation is one Thrust kernel whose
// per-element body is the kernels/ function the host's ops use too (row_norms.h,
// activations.h, rotary.h) or the per-row attention of kernels/attention_row.h. A Linear is the
// column-major GEMM of gemm_plan.h with no bias (cublasSgemm in the CUDA build; the same plan
// through Eigen in the CPU build), then one bias kernel shared by both. Row-major float32; the
// pointers are device pointers.

#include <cstddef>
#include <cstdint>
#include <vector>

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

// Owns the cuBLAS handle in the CUDA build. Not copyable.
class DeviceOps {
 public:
  using Buffer = DeviceBuffer;  // an array the graph owns
  using Param = DeviceBuffer;   // a host array as the ops read it: a copy on the device
  using Linear = DeviceLinear;

  DeviceOps();
  ~DeviceOps();
  DeviceOps(const DeviceOps&) = delete;
  DeviceOps& operator=(const DeviceOps&) = delete;

  static float* data(Buffer& b) { return raw(b); }
  static const float* data(const Buffer& b) { return raw(b); }

  // n zeros.
  Buffer buffer(std::size_t n) const { return Buffer(n); }
  // A device copy of host (n).
  Param param(const float* host, std::size_t n) const { return upload(host, n); }
  Linear linear_weights(const LinearWeights& host) const;
  // A buffer holding a copy of x (n floats on the device).
  Buffer copy_of(const float* x, std::size_t n) const {
    return Buffer(thrust::device_pointer_cast(x), thrust::device_pointer_cast(x) + static_cast<std::ptrdiff_t>(n));
  }
  // Grows *b to at least n floats, keeping its contents (device_buffer.h).
  static void grow_keeping(Buffer* b, std::size_t n) { hopelab::grow_keeping(b, n); }
  // Host copies of x (n floats on the device) and of a buffer; they wait for the kernels before.
  std::vector<float> to_host(const float* x, std::size_t n) const;
  std::vector<float> to_host(const Buffer& b) const { return to_host(raw(b), b.size()); }

  // y = x W^T + b. x: (rows, in); y: (rows, out), not overlapping x.
  void linear(const float* x, std::int64_t rows, const Linear& w, float* y) const;
  // RMSNorm of every row. x, y: (rows, width), may be the same; weight: (width).
  void rms_norm(const float* x, std::int64_t rows, int width, const float* weight, double eps, float* y) const;
  // LayerNorm of every row. x, y: (rows, width), may be the same; weight, bias: (width).
  void layer_norm(const float* x, std::int64_t rows, int width, const float* weight, const float* bias, double eps,
                  float* y) const;
  // In place over n values: QuickGELU and the exact GELU. x: (n).
  void quick_gelu(float* x, std::int64_t n) const;
  void gelu(float* x, std::int64_t n) const;
  // gate <- SiLU(gate) * up. gate, up: (n).
  void silu_mul(float* gate, const float* up, std::int64_t n) const;
  // x <- x + y. x, y: (n).
  void add(float* x, const float* y, std::int64_t n) const;
  // Rotates `heads` head slices (head_dim wide) of every row in place, row r by angles row r.
  // angles: (rows, head_dim / 2); x: (rows, stride).
  void rotate(const float* angles, std::int64_t rows, int heads, int head_dim, PairLayout layout, float* x,
              std::int64_t stride) const;
  // out = softmax(q k^T / sqrt(d) + mask) v per head (sim/vlm/attention.h's arguments, device
  // pointers), one thread per (head, query) row folding its keys in ascending order.
  // head_dim <= kAttendRowMaxHeadDim.
  void attention(const AttentionShape& shape, const AttentionArgs& args) const;
  // out row r <- table row ids[r]. table: (entries, width); ids: host, in range; out: (ids, width).
  void gather_rows(const float* table, const std::vector<std::int64_t>& ids, int width, float* out) const;
  // out row targets[r] <- rows row r. rows: (targets, width); targets: host, distinct.
  void scatter_rows(const float* rows, const std::vector<std::int64_t>& targets, int width, float* out) const;

 private:
  void* handle_ = nullptr;  // cublasHandle_t in the CUDA build
};

}  // namespace hopelab
