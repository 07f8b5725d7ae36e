#pragma once
// The backward pass of each host operation of the VLM graph (sim/vlm/host_ops.h), float32 on
// Eigen and OpenMP, for reverse-mode gradients (docs/vlm.md "Training"). Every function ADDS
// into its gradient outputs (callers zero them): a tensor read by several steps collects each
// step's share. Where a function takes a GradientWrite, `assign` writes its input gradient over
// the buffer instead, which may then start undefined (a ScratchBuffer: no zeroing pass). Weight gradients are sums over rows; each value is computed by one fixed-order
// product or loop, so the result is the same for any thread count. Row-major float32.

#include <cstdint>
#include <memory>
#include <new>
#include <utility>
#include <vector>

#include "sim/vlm/layer_ops.h"
#include "theory/allocation.h"

namespace hopelab {

// How a backward writes an input gradient: added into the buffer, or written over it.
enum class GradientWrite { add, assign };

// std::allocator whose value-initialisation leaves floats undefined, so that a vector of n
// floats costs no zeroing pass.
template <typename T>
struct UndefinedInitAllocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = UndefinedInitAllocator<U>;
  };
  UndefinedInitAllocator() = default;
  template <typename U>
  UndefinedInitAllocator(const UndefinedInitAllocator<U>&) noexcept {}
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};
// A gradient buffer whose values start undefined: its first writer uses GradientWrite::assign.
using ScratchBuffer = std::vector<float, UndefinedInitAllocator<float>>;
inline ScratchBuffer scratch_buffer(std::int64_t n) { return ScratchBuffer(static_cast<std::size_t>(n)); }
// n zeros: a gradient buffer that is added into.
inline std::vector<float> zero_buffer(std::int64_t n) { return std::vector<float>(static_cast<std::size_t>(n)); }

// The gradient of a Linear layer's parameters, same shapes as LinearWeights. bias may be null.
struct LinearGradient {
  float* weight = nullptr;  // (out, in)
  float* bias = nullptr;    // (out)
  int out = 0;
  int in = 0;
};

// y = x W^T + b:  dx += dy W (or dx = dy W);  dW += dy^T x;  db += sum over rows of dy.
// x: (rows, in); dy: (rows, out); dx: (rows, in) or null (no input gradient wanted).
void linear_backward(const float* x, const float* dy, std::int64_t rows, const LinearWeights& w,
                     const LinearGradient& g, float* dx, GradientWrite write = GradientWrite::add);

// y = RMSNorm(x) * weight: dx += (kernels/row_norms.h), dweight += sum_rows dy x r.
// x, dy, dx: (rows, width), dx not aliasing x or dy; weight, dweight: (width).
void rms_norm_backward(const float* x, const float* dy, std::int64_t rows, int width, const float* weight,
                       double eps, float* dx, float* dweight);
// y = LayerNorm(x) * weight + bias: dx += (or =), dweight += sum_rows dy xhat, dbias += sum_rows dy.
void layer_norm_backward(const float* x, const float* dy, std::int64_t rows, int width, const float* weight,
                         double eps, float* dx, float* dweight, float* dbias,
                         GradientWrite write = GradientWrite::add);

// y = f(x) elementwise: dx += dy f'(x) (or =). x: the activation's input; x, dy, dx: (n).
void quick_gelu_backward(const float* x, const float* dy, std::int64_t n, float* dx,
                         GradientWrite write = GradientWrite::add);
void gelu_backward(const float* x, const float* dy, std::int64_t n, float* dx, GradientWrite write = GradientWrite::add);
// y = SiLU(gate) up: dgate += dy up SiLU'(gate), dup += dy SiLU(gate) (or both =). All (n).
void silu_mul_backward(const float* gate, const float* up, const float* dy, std::int64_t n, float* dgate,
                       float* dup, GradientWrite write = GradientWrite::add);

// y = R(phi) x per pair: the gradient dx = R(phi)^T dy = R(-phi) dy, in place on dy (the
// forward's rotation with its sines negated, which is exact). angles: (rows, head_dim / 2); dy: (rows, stride).
void rotate_backward(const float* angles, std::int64_t rows, int heads, int head_dim, PairLayout layout, float* dy,
                     std::int64_t stride);

// out row r = table row ids[r]:  dtable row ids[r] += dout row r, rows in order.
// dout: (ids, width); dtable: (entries, width).
void gather_rows_backward(const float* dout, const std::vector<std::int64_t>& ids, int width, float* dtable);

}  // namespace hopelab
