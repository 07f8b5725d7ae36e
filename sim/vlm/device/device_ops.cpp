#include "sim/vlm/device/device_ops.h"

#include <climits>
#include <cmath>
#include <stdexcept>
#include <string>

#include <thrust/copy.h>
#include <thrust/execution_policy.h>
#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>

#include "kernels/activations.h"
#include "kernels/attention_row.h"
#include "kernels/rotary.h"
#include "kernels/row_norms.h"
#include "sim/vlm/device/gemm_plan.h"
#include "sim/vlm/device/host_attention.h"

#if THRUST_DEVICE_SYSTEM == THRUST_DEVICE_SYSTEM_CUDA
#include <cublas_v2.h>
#else
#include <Eigen/Core>
#endif

namespace hopelab {
namespace {

// Runs body(i) for i = 0 .. n - 1 on the device. On CUDA the launch does not wait for the
// kernel: kernels and cuBLAS calls queue in order on the default stream, and copies back to the
// host (and freeing device memory) wait for them.
template <typename Body>
void for_each_index(std::int64_t n, const Body& body) {
  if (n <= 0) return;
#if THRUST_DEVICE_SYSTEM == THRUST_DEVICE_SYSTEM_CUDA
  thrust::for_each_n(thrust::cuda::par_nosync, thrust::counting_iterator<std::int64_t>(0), n, body);
#else
  thrust::for_each_n(thrust::device, thrust::counting_iterator<std::int64_t>(0), n, body);
#endif
}

struct AddBias {  // y[r, c] += b[c]; y: (rows, out)
  float* y;
  const float* bias;
  std::int64_t out;
  HOPELAB_HD void operator()(std::int64_t i) const { y[i] += bias[i % out]; }
};

struct RmsNormRows {
  const float* x;
  float* y;
  const float* weight;
  int width;
  double eps;
  HOPELAB_HD void operator()(std::int64_t r) const { rms_norm_row(x + r * width, width, weight, eps, y + r * width); }
};

struct LayerNormRows {
  const float* x;
  float* y;
  const float* weight;
  const float* bias;
  int width;
  double eps;
  HOPELAB_HD void operator()(std::int64_t r) const {
    layer_norm_row(x + r * width, width, weight, bias, eps, y + r * width);
  }
};

struct QuickGelu {
  float* x;
  HOPELAB_HD void operator()(std::int64_t i) const { x[i] = quick_gelu(x[i]); }
};

struct Gelu {
  float* x;
  HOPELAB_HD void operator()(std::int64_t i) const { x[i] = gelu(x[i]); }
};

struct CopyRows {  // out[to(r), c] = in[from(r), c]; index i = r * width + c
  const float* in;
  const std::int64_t* from;  // null: row r
  const std::int64_t* to;    // null: row r
  int width;
  float* out;
  HOPELAB_HD void operator()(std::int64_t i) const {
    const std::int64_t r = i / width, c = i % width;
    const std::int64_t src = from != nullptr ? from[r] : r, dst = to != nullptr ? to[r] : r;
    out[dst * width + c] = in[src * width + c];
  }
};

struct SiluMul {
  float* gate;
  const float* up;
  HOPELAB_HD void operator()(std::int64_t i) const { gate[i] = silu(gate[i]) * up[i]; }
};

struct AddInPlace {
  float* x;
  const float* y;
  HOPELAB_HD void operator()(std::int64_t i) const { x[i] += y[i]; }
};

struct RotateRows {  // index i = r * heads + head
  const float* angles;
  float* x;
  std::int64_t stride;
  int heads;
  int head_dim;
  PairLayout layout;
  HOPELAB_HD void operator()(std::int64_t i) const {
    const std::int64_t r = i / heads;
    float* head = x + r * stride + (i % heads) * head_dim;
    rotate_pairs<float>(head, angles + r * (head_dim / 2), head_dim, layout, head);  // R(phi) x, in place
  }
};

// One (head, query) row per index, i = head * queries + query: the threads of a warp share a
// head and read the same keys.
template <int FixedD>
struct AttendRows {
  AttentionArgs a;
  int group;  // n_h / n_kv
  int head_dim;
  float scale;
  HOPELAB_HD void operator()(std::int64_t i) const {
    const int head = static_cast<int>(i / a.queries);
    const std::int64_t query = i % a.queries;
    const std::int64_t causal_end = a.query_offset + query + 1;  // keys j <= query_offset + query
    const std::int64_t visible = a.mask == AttentionMask::causal && causal_end < a.keys ? causal_end : a.keys;
    const std::int64_t kv_column = static_cast<std::int64_t>(head / group) * head_dim;  // GQA
    attend_row<FixedD>(a.q + query * a.q_stride + static_cast<std::int64_t>(head) * head_dim, a.k + kv_column,
                       a.v + kv_column, a.kv_stride, visible, head_dim, scale,
                       a.out + query * a.out_stride + static_cast<std::int64_t>(head) * head_dim);
  }
};

template <int FixedD>
void attend(const AttentionShape& shape, const AttentionArgs& args) {
  const float scale = 1.0f / std::sqrt(static_cast<float>(shape.head_dim));  // 1 / sqrt(d)
  for_each_index(args.queries * shape.heads,
                 AttendRows<FixedD>{args, shape.heads / shape.kv_heads, shape.head_dim, scale});
}

// The attention kernel for any head dim up to kAttendRowMaxHeadDim; device pointers.
void device_attention(const AttentionShape& shape, const AttentionArgs& args) {
  if (shape.head_dim > kAttendRowMaxHeadDim) {
    throw std::length_error("device attention: head_dim " + std::to_string(shape.head_dim) + " exceeds " +
                            std::to_string(kAttendRowMaxHeadDim));
  }
  switch (shape.head_dim) {  // the common head dims keep the accumulator in registers
    case 32: attend<32>(shape, args); break;
    case 64: attend<64>(shape, args); break;
    case 128: attend<128>(shape, args); break;
    default: attend<0>(shape, args); break;
  }
}

using DeviceIndices = thrust::device_vector<std::int64_t>;
const std::int64_t* raw(const DeviceIndices& v) { return thrust::raw_pointer_cast(v.data()); }

// The GEMM plan's sizes are int, as BLAS interfaces take them.
int checked_rows(std::int64_t rows) {
  if (rows > INT_MAX) throw std::length_error("device GEMM: " + std::to_string(rows) + " rows exceed INT_MAX");
  return static_cast<int>(rows);
}

#if THRUST_DEVICE_SYSTEM == THRUST_DEVICE_SYSTEM_CUDA
void check_cublas(cublasStatus_t status, const char* what) {
  if (status != CUBLAS_STATUS_SUCCESS) {
    throw std::runtime_error(std::string("cuBLAS ") + what + " failed: status " + std::to_string(static_cast<int>(status)));
  }
}
#else
// C = op(A) op(B), column-major as the plan says: what cublasSgemm computes, here with Eigen.
void column_major_gemm(const GemmPlan& p, const float* a, const float* b, float* c) {
  using ColMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;
  using ConstMap = Eigen::Map<const ColMatrix, 0, Eigen::OuterStride<>>;
  const ConstMap A(a, p.transpose_a ? p.k : p.m, p.transpose_a ? p.m : p.k, Eigen::OuterStride<>(p.lda));
  const ConstMap B(b, p.transpose_b ? p.n : p.k, p.transpose_b ? p.k : p.n, Eigen::OuterStride<>(p.ldb));
  Eigen::Map<ColMatrix, 0, Eigen::OuterStride<>> C(c, p.m, p.n, Eigen::OuterStride<>(p.ldc));
  if (p.transpose_a && p.transpose_b) C.noalias() = A.transpose() * B.transpose();
  else if (p.transpose_a) C.noalias() = A.transpose() * B;
  else if (p.transpose_b) C.noalias() = A * B.transpose();
  else C.noalias() = A * B;
}
#endif

}  // namespace

DeviceLinear DeviceOps::linear_weights(const LinearWeights& w) const {
  DeviceLinear d;
  d.weight = upload(w.weight, static_cast<std::size_t>(w.out) * static_cast<std::size_t>(w.in));
  if (w.bias != nullptr) d.bias = upload(w.bias, static_cast<std::size_t>(w.out));
  d.out = w.out;
  d.in = w.in;
  return d;
}

#if THRUST_DEVICE_SYSTEM == THRUST_DEVICE_SYSTEM_CUDA

DeviceOps::DeviceOps() {
  cublasHandle_t handle = nullptr;
  check_cublas(cublasCreate(&handle), "cublasCreate");
  handle_ = handle;
  // float32 products in float32 (no TF32): the same arithmetic the tolerances assume.
  check_cublas(cublasSetMathMode(handle, CUBLAS_PEDANTIC_MATH), "cublasSetMathMode");
}

DeviceOps::~DeviceOps() { cublasDestroy(static_cast<cublasHandle_t>(handle_)); }

void DeviceOps::linear(const float* x, std::int64_t rows, const DeviceLinear& w, float* y) const {
  if (rows <= 0) return;
  const GemmPlan p = linear_gemm_plan(checked_rows(rows), w.out, w.in);
  const float one = 1.0f, zero = 0.0f;
  check_cublas(cublasSgemm(static_cast<cublasHandle_t>(handle_), p.transpose_a ? CUBLAS_OP_T : CUBLAS_OP_N,
                           p.transpose_b ? CUBLAS_OP_T : CUBLAS_OP_N, p.m, p.n, p.k, &one, raw(w.weight), p.lda, x,
                           p.ldb, &zero, y, p.ldc),
               "cublasSgemm");  // y^T = W x^T (gemm_plan.h)
  if (!w.bias.empty()) for_each_index(rows * w.out, AddBias{y, raw(w.bias), w.out});
}

#else

DeviceOps::DeviceOps() = default;
DeviceOps::~DeviceOps() = default;

void DeviceOps::linear(const float* x, std::int64_t rows, const DeviceLinear& w, float* y) const {
  if (rows <= 0) return;
  column_major_gemm(linear_gemm_plan(checked_rows(rows), w.out, w.in), raw(w.weight), x, y);  // y^T = W x^T
  if (!w.bias.empty()) for_each_index(rows * w.out, AddBias{y, raw(w.bias), w.out});
}

#endif

std::vector<float> DeviceOps::to_host(const float* x, std::size_t n) const {
  std::vector<float> host(n);
  thrust::copy(thrust::device_pointer_cast(x), thrust::device_pointer_cast(x) + static_cast<std::ptrdiff_t>(n),
               host.begin());
  return host;
}

void DeviceOps::rms_norm(const float* x, std::int64_t rows, int width, const float* weight, double eps,
                         float* y) const {
  for_each_index(rows, RmsNormRows{x, y, weight, width, eps});
}

void DeviceOps::layer_norm(const float* x, std::int64_t rows, int width, const float* weight, const float* bias,
                           double eps, float* y) const {
  for_each_index(rows, LayerNormRows{x, y, weight, bias, width, eps});
}

void DeviceOps::quick_gelu(float* x, std::int64_t n) const { for_each_index(n, QuickGelu{x}); }

void DeviceOps::gelu(float* x, std::int64_t n) const { for_each_index(n, Gelu{x}); }

void DeviceOps::silu_mul(float* gate, const float* up, std::int64_t n) const { for_each_index(n, SiluMul{gate, up}); }

void DeviceOps::add(float* x, const float* y, std::int64_t n) const { for_each_index(n, AddInPlace{x, y}); }

void DeviceOps::rotate(const float* angles, std::int64_t rows, int heads, int head_dim, PairLayout layout, float* x,
                       std::int64_t stride) const {
  for_each_index(rows * heads, RotateRows{angles, x, stride, heads, head_dim, layout});
}

void DeviceOps::attention(const AttentionShape& shape, const AttentionArgs& args) const {
  device_attention(shape, args);
}

void DeviceOps::gather_rows(const float* table, const std::vector<std::int64_t>& ids, int width, float* out) const {
  const DeviceIndices from(ids.begin(), ids.end());
  for_each_index(static_cast<std::int64_t>(ids.size()) * width, CopyRows{table, raw(from), nullptr, width, out});
}

void DeviceOps::scatter_rows(const float* rows, const std::vector<std::int64_t>& targets, int width,
                             float* out) const {
  const DeviceIndices to(targets.begin(), targets.end());
  for_each_index(static_cast<std::int64_t>(targets.size()) * width, CopyRows{rows, nullptr, raw(to), width, out});
}

void device_attention_of_host_arrays(const AttentionShape& shape, const AttentionArgs& host_args) {
  const AttentionArgs& h = host_args;
  const DeviceBuffer q = upload(h.q, static_cast<std::size_t>(h.queries * h.q_stride));
  const DeviceBuffer k = upload(h.k, static_cast<std::size_t>(h.keys * h.kv_stride));
  const DeviceBuffer v = upload(h.v, static_cast<std::size_t>(h.keys * h.kv_stride));
  DeviceBuffer out(h.out, h.out + h.queries * h.out_stride);  // keeps the columns attention does not write
  AttentionArgs d = h;
  d.q = raw(q);
  d.k = raw(k);
  d.v = raw(v);
  d.out = raw(out);
  device_attention(shape, d);
  thrust::copy(out.begin(), out.end(), h.out);
}

}  // namespace hopelab
