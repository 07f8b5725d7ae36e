#pragma once
// The host's Ops for the VLM graph (sim/vlm/vlm_graph.h): the operations that the one decoder
// layer, vision block and KV cache call, on host memory. Buffers are std::vector<float>, weights
// are borrowed from the checkpoint's tensors, Linear is Eigen in fixed tiles (layer_ops.h),
// attention the blocked online-softmax fold (attention.h). Each value is computed the same way
// for any OpenMP thread count. Row-major float32; the pointers are host pointers.

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "sim/vlm/attention.h"
#include "sim/vlm/layer_ops.h"
#include "theory/allocation.h"

namespace hopelab {

// HostOps::rotate by R(phi) (sine_sign 1) or by R(phi)^T = R(-phi) (sine_sign -1: the sines
// negated, which is exact), each row's cosines and sines computed once for all its heads.
// angles: (rows, head_dim / 2); x: (rows, stride).
void rotate_heads(const float* angles, std::int64_t rows, int heads, int head_dim, PairLayout layout,
                  float sine_sign, float* x, std::int64_t stride);

struct HostOps {
  using Buffer = std::vector<float>;  // an array the graph owns
  using Param = const float*;         // a host array as the ops read it: borrowed, not copied
  using Linear = LinearWeights;       // borrowed weight (out, in) and bias (out)

  static float* data(Buffer& b) { return b.data(); }
  static const float* data(const Buffer& b) { return b.data(); }
  static const float* data(Param p) { return p; }

  // n zeros.
  Buffer buffer(std::size_t n) const { return Buffer(n); }
  // host: (n), which must outlive the returned view.
  Param param(const float* host, std::size_t /*n*/) const { return host; }
  Linear linear_weights(const LinearWeights& host) const { return host; }
  // A buffer holding a copy of x (n).
  Buffer copy_of(const float* x, std::size_t n) const { return Buffer(x, x + n); }
  // Grows *b to at least n floats, keeping its contents (geometrically: appends are amortised).
  static void grow_keeping(Buffer* b, std::size_t n);
  // Copies of x (n) and of a buffer on the host.
  std::vector<float> to_host(const float* x, std::size_t n) const { return std::vector<float>(x, x + n); }
  std::vector<float> to_host(Buffer&& b) const { return std::move(b); }

  // y = x W^T + b. x: (rows, in); y: (rows, out).
  void linear(const float* x, std::int64_t rows, const Linear& w, float* y) const { hopelab::linear(x, rows, w, y); }
  // x, y: (rows, width), may alias; weight, bias: (width).
  void rms_norm(const float* x, std::int64_t rows, int width, const float* weight, double eps, float* y) const {
    hopelab::rms_norm(x, rows, width, weight, eps, y);
  }
  void layer_norm(const float* x, std::int64_t rows, int width, const float* weight, const float* bias, double eps,
                  float* y) const {
    hopelab::layer_norm(x, rows, width, weight, bias, eps, y);
  }
  // In place. x: (n).
  void quick_gelu(float* x, std::int64_t n) const { apply_quick_gelu(x, n); }
  void gelu(float* x, std::int64_t n) const { apply_gelu(x, n); }
  // gate <- SiLU(gate) * up. gate, up: (n).
  void silu_mul(float* gate, const float* up, std::int64_t n) const { apply_silu_mul(gate, up, n); }
  // x <- x + y. x, y: (n).
  void add(float* x, const float* y, std::int64_t n) const;
  // Rotates `heads` head slices (head_dim wide) of every row in place, row r by angles row r.
  // angles: (rows, head_dim / 2); x: (rows, stride).
  void rotate(const float* angles, std::int64_t rows, int heads, int head_dim, PairLayout layout, float* x,
              std::int64_t stride) const {
    rotate_heads(angles, rows, heads, head_dim, layout, 1.0f, x, stride);
  }
  // out = softmax(q k^T / sqrt(d) + mask) v per head (attention.h).
  void attention(const AttentionShape& shape, const AttentionArgs& args) const { hopelab::attention(shape, args); }
  // out row r <- table row ids[r]. table: (entries, width); out: (ids, width).
  void gather_rows(const float* table, const std::vector<std::int64_t>& ids, int width, float* out) const;
  // out row targets[r] <- rows row r. rows: (targets, width); targets distinct.
  void scatter_rows(const float* rows, const std::vector<std::int64_t>& targets, int width, float* out) const;
};

}  // namespace hopelab
