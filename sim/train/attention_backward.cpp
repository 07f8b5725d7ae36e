#include "sim/train/attention_backward.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <Eigen/Core>

#include "kernels/fast_exp.h"

namespace hopelab {
namespace {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstMap = Eigen::Map<const RowMatrix, 0, Eigen::OuterStride<>>;
using Map = Eigen::Map<RowMatrix, 0, Eigen::OuterStride<>>;

constexpr std::int64_t kQueryBlock = 64;

// Query head `head`, queries q0 .. q0 + nq - 1, against every key they see. p, dp: scratch.
void head_block_backward(const AttentionShape& shape, const AttentionArgs& a, const AttentionGradients& g, int head,
                         std::int64_t q0, std::int64_t nq, RowMatrix* p, RowMatrix* dp) {
  const int d = shape.head_dim;
  const int kv_head = head / (shape.heads / shape.kv_heads);  // GQA: the forward's rule
  const float scale = 1.0f / std::sqrt(static_cast<float>(d));
  const std::int64_t nk = visible_keys(a, q0 + nq - 1);  // the last query sees the most keys
  const std::int64_t q_col = static_cast<std::int64_t>(head) * d, kv_col = static_cast<std::int64_t>(kv_head) * d;
  const ConstMap q(a.q + q0 * a.q_stride + q_col, nq, d, Eigen::OuterStride<>(a.q_stride));
  const ConstMap k(a.k + kv_col, nk, d, Eigen::OuterStride<>(a.kv_stride));
  const ConstMap v(a.v + kv_col, nk, d, Eigen::OuterStride<>(a.kv_stride));
  const ConstMap dout(g.dout + q0 * a.out_stride + q_col, nq, d, Eigen::OuterStride<>(a.out_stride));

  p->noalias() = (q * k.transpose()) * scale;  // S = q k^T / sqrt(d): (nq, nk)
  dp->noalias() = dout * v.transpose();        // dP = dout v^T
  for (std::int64_t r = 0; r < nq; ++r) {
    const std::int64_t visible = visible_keys(a, q0 + r);
    auto s = p->row(r);
    float* e = s.data();
    const float* dp_row = dp->row(r).data();
    const float max = s.head(visible).maxCoeff();
    double sum = 0.0;
#pragma omp simd reduction(+ : sum)
    for (std::int64_t j = 0; j < visible; ++j) {
      e[j] = fast_exp(e[j] - max);  // exp(S_rj - max_j S_rj)
      sum += e[j];
    }
    const auto inv = static_cast<float>(1.0 / sum);
    s.head(visible) *= inv;           // P_rj
    s.tail(nk - visible).setZero();   // masked keys
    double dot = 0.0;                 // D_r = sum_j P_rj dP_rj
#pragma omp simd reduction(+ : dot)
    for (std::int64_t j = 0; j < visible; ++j) dot += static_cast<double>(e[j]) * dp_row[j];
    auto ds = dp->row(r);
    ds.head(visible) = (s.head(visible).array() * (ds.head(visible).array() - static_cast<float>(dot))).matrix();
    ds.tail(nk - visible).setZero();  // dS_rj = P_rj (dP_rj - D_r)
  }
  Map dq(g.dq + q0 * a.q_stride + q_col, nq, d, Eigen::OuterStride<>(a.q_stride));
  Map dk(g.dk + kv_col, nk, d, Eigen::OuterStride<>(a.kv_stride));
  Map dv(g.dv + kv_col, nk, d, Eigen::OuterStride<>(a.kv_stride));
  dq.noalias() += ((*dp) * k) * scale;              // dq += dS k / sqrt(d)
  dk.noalias() += (dp->transpose() * q) * scale;    // dk += dS^T q / sqrt(d)
  dv.noalias() += p->transpose() * dout;            // dv += P^T dout
}

}  // namespace

void attention_backward(const AttentionShape& shape, const AttentionArgs& a, const AttentionGradients& g) {
  const int group = shape.heads / shape.kv_heads;
  const std::int64_t query_blocks = (a.queries + kQueryBlock - 1) / kQueryBlock;
  const bool parallel = shape.kv_heads > 1 && a.queries * a.keys * shape.heads >= (std::int64_t{1} << 15);
#pragma omp parallel for schedule(static, 1) if (parallel)
  for (int kv_head = 0; kv_head < shape.kv_heads; ++kv_head) {  // a KV head's dk, dv: one thread
    RowMatrix p, dp;
    for (int member = 0; member < group; ++member) {
      for (std::int64_t block = 0; block < query_blocks; ++block) {
        const std::int64_t q0 = block * kQueryBlock;
        head_block_backward(shape, a, g, kv_head * group + member, q0, std::min(kQueryBlock, a.queries - q0), &p, &dp);
      }
    }
  }
}

}  // namespace hopelab
