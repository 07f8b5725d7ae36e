#include "sim/vlm/layer_ops.h"

#include <algorithm>

#include <Eigen/Core>

#include "kernels/row_norms.h"

namespace hopelab {
namespace {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowVector = Eigen::Matrix<float, 1, Eigen::Dynamic>;

// Linear tiles: rows (tokens) x output features. Fixed sizes, so that each output value is
// computed by the same single-threaded product whatever the thread count.
constexpr std::int64_t kTileRows = 256;
constexpr std::int64_t kTileCols = 512;
// Below these sizes a loop runs on the calling thread (a decode step): a parallel region costs
// more than the work. Which thread computes a value never changes the value.
constexpr std::int64_t kParallelMacs = std::int64_t{1} << 18;
constexpr std::int64_t kParallelRows = 32;
constexpr std::int64_t kParallelValues = std::int64_t{1} << 14;

}  // namespace

void linear(const float* x, std::int64_t rows, const LinearWeights& w, float* y) {
  const std::int64_t in = w.in, out = w.out;
  const std::int64_t row_tiles = (rows + kTileRows - 1) / kTileRows;
  const std::int64_t col_tiles = (out + kTileCols - 1) / kTileCols;
#pragma omp parallel for schedule(dynamic, 1) if (rows * in * out >= kParallelMacs)
  for (std::int64_t tile = 0; tile < row_tiles * col_tiles; ++tile) {
    const std::int64_t r0 = (tile / col_tiles) * kTileRows, c0 = (tile % col_tiles) * kTileCols;
    const std::int64_t nr = std::min(kTileRows, rows - r0), nc = std::min(kTileCols, out - c0);
    const Eigen::Map<const RowMatrix> xs(x + r0 * in, nr, in);          // (nr, in)
    const Eigen::Map<const RowMatrix> ws(w.weight + c0 * in, nc, in);   // (nc, in)
    Eigen::Map<RowMatrix, 0, Eigen::OuterStride<>> ys(y + r0 * out + c0, nr, nc, Eigen::OuterStride<>(out));
    ys.noalias() = xs * ws.transpose();  // x W^T
    if (w.bias != nullptr) ys.rowwise() += Eigen::Map<const RowVector>(w.bias + c0, nc);  // + b
  }
}

void rms_norm(const float* x, std::int64_t rows, int width, const float* weight, double eps, float* y) {
#pragma omp parallel for schedule(static) if (rows >= kParallelRows)
  for (std::int64_t r = 0; r < rows; ++r) {
    rms_norm_row(x + r * width, width, weight, eps, y + r * width);
  }
}

void layer_norm(const float* x, std::int64_t rows, int width, const float* weight, const float* bias,
                double eps, float* y) {
#pragma omp parallel for schedule(static) if (rows >= kParallelRows)
  for (std::int64_t r = 0; r < rows; ++r) {
    layer_norm_row(x + r * width, width, weight, bias, eps, y + r * width);
  }
}

void apply_quick_gelu(float* x, std::int64_t n) {
#pragma omp parallel for simd schedule(static) if (n >= kParallelValues)
  for (std::int64_t i = 0; i < n; ++i) x[i] = quick_gelu(x[i]);
}

void apply_gelu(float* x, std::int64_t n) {
#pragma omp parallel for schedule(static) if (n >= kParallelValues)
  for (std::int64_t i = 0; i < n; ++i) x[i] = gelu(x[i]);
}

void apply_silu_mul(float* gate, const float* up, std::int64_t n) {
#pragma omp parallel for simd schedule(static) if (n >= kParallelValues)
  for (std::int64_t i = 0; i < n; ++i) gate[i] = silu(gate[i]) * up[i];
}

}  // namespace hopelab
