#include "sim/train/backward_ops.h"

#include <algorithm>

#include <Eigen/Core>

#include "kernels/activations.h"
#include "kernels/row_norms.h"
#include "sim/vlm/host_ops.h"

namespace hopelab {
namespace {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstMap = Eigen::Map<const RowMatrix, 0, Eigen::OuterStride<>>;
using Map = Eigen::Map<RowMatrix, 0, Eigen::OuterStride<>>;

// Tiles of fixed size, as the forward's linear: each output value is one product's. 128 rather
// than 64: fewer products, less packing per multiply-add (5-15 % faster at the needle preset's
// shapes, best of 200 runs each); still several tiles per product for two threads.
constexpr std::int64_t kTile = 128;
constexpr std::int64_t kParallelMacs = std::int64_t{1} << 18;
constexpr std::int64_t kParallelValues = std::int64_t{1} << 14;

std::int64_t tiles(std::int64_t n) { return (n + kTile - 1) / kTile; }

// d = v (assign: d is never read, so it may be undefined) or d += v (add).
template <GradientWrite W>
inline void store(float& d, float v) {
  if constexpr (W == GradientWrite::assign) {
    d = v;
  } else {
    d += v;
  }
}

template <GradientWrite W>
void quick_gelu_backward_loop(const float* x, const float* dy, std::int64_t n, float* dx) {
#pragma omp parallel for simd schedule(static) if (n >= kParallelValues)
  for (std::int64_t i = 0; i < n; ++i) store<W>(dx[i], dy[i] * quick_gelu_derivative(x[i]));
}

template <GradientWrite W>
void gelu_backward_loop(const float* x, const float* dy, std::int64_t n, float* dx) {
#pragma omp parallel for schedule(static) if (n >= kParallelValues)
  for (std::int64_t i = 0; i < n; ++i) store<W>(dx[i], dy[i] * gelu_derivative(x[i]));
}

template <GradientWrite W>
void silu_mul_backward_loop(const float* gate, const float* up, const float* dy, std::int64_t n, float* dgate,
                            float* dup) {
#pragma omp parallel for simd schedule(static) if (n >= kParallelValues)
  for (std::int64_t i = 0; i < n; ++i) {
    const float s = sigmoid(gate[i]);                                                   // once for both terms
    store<W>(dgate[i], dy[i] * up[i] * scaled_silu_derivative_given(gate[i], s, 1.0f));  // SiLU'(gate)
    store<W>(dup[i], dy[i] * gate[i] * s);                                                // SiLU(gate)
  }
}

}  // namespace

void linear_backward(const float* x, const float* dy, std::int64_t rows, const LinearWeights& w,
                     const LinearGradient& g, float* dx, GradientWrite write) {
  const std::int64_t in = w.in, out = w.out;
  const bool parallel = rows * in * out >= kParallelMacs;
  if (dx != nullptr) {
    // dx (rows, in) += (or =) dy (rows, out) W (out, in), tiles of rows x input columns.
    const std::int64_t col_tiles = tiles(in);
#pragma omp parallel for schedule(dynamic, 1) if (parallel)
    for (std::int64_t t = 0; t < tiles(rows) * col_tiles; ++t) {
      const std::int64_t r0 = (t / col_tiles) * kTile, c0 = (t % col_tiles) * kTile;
      const std::int64_t nr = std::min(kTile, rows - r0), nc = std::min(kTile, in - c0);
      const ConstMap dys(dy + r0 * out, nr, out, Eigen::OuterStride<>(out));
      const ConstMap ws(w.weight + c0, out, nc, Eigen::OuterStride<>(in));
      Map dxs(dx + r0 * in + c0, nr, nc, Eigen::OuterStride<>(in));
      if (write == GradientWrite::assign) {
        dxs.noalias() = dys * ws;  // Eigen zeroes the tile, then adds the product: as += into zeros
      } else {
        dxs.noalias() += dys * ws;
      }
    }
  }
  // dW (out, in) += dy^T (out, rows) x (rows, in), tiles of outputs x inputs, each summed over
  // all rows by one product.
  const std::int64_t col_tiles = tiles(in);
#pragma omp parallel for schedule(dynamic, 1) if (parallel)
  for (std::int64_t t = 0; t < tiles(out) * col_tiles; ++t) {
    const std::int64_t o0 = (t / col_tiles) * kTile, c0 = (t % col_tiles) * kTile;
    const std::int64_t no = std::min(kTile, out - o0), nc = std::min(kTile, in - c0);
    const ConstMap dys(dy + o0, rows, no, Eigen::OuterStride<>(out));
    const ConstMap xs(x + c0, rows, nc, Eigen::OuterStride<>(in));
    Map dws(g.weight + o0 * in + c0, no, nc, Eigen::OuterStride<>(in));
    dws.noalias() += dys.transpose() * xs;
  }
  if (g.bias != nullptr) {  // db_o = sum_rows dy, rows in order
    std::vector<double> sum(static_cast<std::size_t>(out));
    for (std::int64_t r = 0; r < rows; ++r) {
      for (std::int64_t o = 0; o < out; ++o) sum[static_cast<std::size_t>(o)] += dy[r * out + o];
    }
    for (std::int64_t o = 0; o < out; ++o) g.bias[o] += static_cast<float>(sum[static_cast<std::size_t>(o)]);
  }
}

void rms_norm_backward(const float* x, const float* dy, std::int64_t rows, int width, const float* weight,
                       double eps, float* dx, float* dweight) {
  std::vector<double> r(static_cast<std::size_t>(rows));
#pragma omp parallel if (rows >= 32)
  {
    std::vector<float> row_dx(static_cast<std::size_t>(width));
#pragma omp for schedule(static)
    for (std::int64_t i = 0; i < rows; ++i) {
      r[static_cast<std::size_t>(i)] = rms_norm_row_backward(x + i * width, dy + i * width, width, weight, eps,
                                                             row_dx.data());
      for (int j = 0; j < width; ++j) dx[i * width + j] += row_dx[static_cast<std::size_t>(j)];
    }
  }
  std::vector<double> sum(static_cast<std::size_t>(width));  // dweight_j = sum_rows dy x r, rows in order
  for (std::int64_t i = 0; i < rows; ++i) {
    for (int j = 0; j < width; ++j) sum[j] += static_cast<double>(dy[i * width + j]) * x[i * width + j] * r[i];
  }
  for (int j = 0; j < width; ++j) dweight[j] += static_cast<float>(sum[j]);
}

void layer_norm_backward(const float* x, const float* dy, std::int64_t rows, int width, const float* weight,
                         double eps, float* dx, float* dweight, float* dbias, GradientWrite write) {
  std::vector<double> mean(static_cast<std::size_t>(rows)), r(static_cast<std::size_t>(rows));
#pragma omp parallel if (rows >= 32)
  {
    std::vector<float> row_dx(static_cast<std::size_t>(width));
#pragma omp for schedule(static)
    for (std::int64_t i = 0; i < rows; ++i) {
      layer_norm_row_backward(x + i * width, dy + i * width, width, weight, eps, row_dx.data(), &mean[i], &r[i]);
      float* dx_row = dx + i * width;  // an undefined buffer is never read under assign
      if (write == GradientWrite::assign) {
        for (int j = 0; j < width; ++j) dx_row[j] = row_dx[static_cast<std::size_t>(j)];
      } else {
        for (int j = 0; j < width; ++j) dx_row[j] += row_dx[static_cast<std::size_t>(j)];
      }
    }
  }
  // dweight_j = sum_rows dy xhat, dbias_j = sum_rows dy, rows in order.
  std::vector<double> w_sum(static_cast<std::size_t>(width)), b_sum(static_cast<std::size_t>(width));
  for (std::int64_t i = 0; i < rows; ++i) {
    for (int j = 0; j < width; ++j) {
      const double g = dy[i * width + j];
      w_sum[j] += g * (x[i * width + j] - mean[i]) * r[i];
      b_sum[j] += g;
    }
  }
  for (int j = 0; j < width; ++j) {
    dweight[j] += static_cast<float>(w_sum[j]);
    dbias[j] += static_cast<float>(b_sum[j]);
  }
}

void quick_gelu_backward(const float* x, const float* dy, std::int64_t n, float* dx, GradientWrite write) {
  if (write == GradientWrite::assign) {
    quick_gelu_backward_loop<GradientWrite::assign>(x, dy, n, dx);
  } else {
    quick_gelu_backward_loop<GradientWrite::add>(x, dy, n, dx);
  }
}

void gelu_backward(const float* x, const float* dy, std::int64_t n, float* dx, GradientWrite write) {
  if (write == GradientWrite::assign) {
    gelu_backward_loop<GradientWrite::assign>(x, dy, n, dx);
  } else {
    gelu_backward_loop<GradientWrite::add>(x, dy, n, dx);
  }
}

void silu_mul_backward(const float* gate, const float* up, const float* dy, std::int64_t n, float* dgate,
                       float* dup, GradientWrite write) {
  if (write == GradientWrite::assign) {
    silu_mul_backward_loop<GradientWrite::assign>(gate, up, dy, n, dgate, dup);
  } else {
    silu_mul_backward_loop<GradientWrite::add>(gate, up, dy, n, dgate, dup);
  }
}

void rotate_backward(const float* angles, std::int64_t rows, int heads, int head_dim, PairLayout layout, float* dy,
                     std::int64_t stride) {
  rotate_heads(angles, rows, heads, head_dim, layout, -1.0f, dy, stride);  // R(phi)^T = R(-phi)
}

void gather_rows_backward(const float* dout, const std::vector<std::int64_t>& ids, int width, float* dtable) {
  for (std::size_t r = 0; r < ids.size(); ++r) {
    const float* src = dout + static_cast<std::int64_t>(r) * width;
    float* dst = dtable + ids[r] * width;
    for (int j = 0; j < width; ++j) dst[j] += src[j];
  }
}

}  // namespace hopelab
