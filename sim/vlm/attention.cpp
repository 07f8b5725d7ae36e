#include "sim/vlm/attention.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <Eigen/Core>

#include "kernels/online_softmax.h"

namespace hopelab {
namespace {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using StridedMap = Eigen::Map<const RowMatrix, 0, Eigen::OuterStride<>>;

// Block sizes: a query block's scores against one key block are (kQueryBlock, kKeyBlock) floats.
constexpr std::int64_t kQueryBlock = 64;
constexpr std::int64_t kKeyBlock = 256;

// One head, queries q0 .. q0 + nq - 1: the online-softmax fold over key blocks in ascending order.
// scores, weights: (nq, kKeyBlock); acc: (nq, d); row_max, row_sum: (nq). Scratch of the thread.
struct BlockScratch {
  RowMatrix scores, weights, acc;
  std::vector<float> row_max, row_sum;
};

void attend_block(const AttentionShape& shape, const AttentionArgs& a, int head, std::int64_t q0, std::int64_t nq,
                  BlockScratch* s) {
  const int d = shape.head_dim;
  const int kv_head = head / (shape.heads / shape.kv_heads);  // GQA: head j reads KV head j / group
  const float scale = 1.0f / std::sqrt(static_cast<float>(d));
  const StridedMap q(a.q + q0 * a.q_stride + static_cast<std::int64_t>(head) * d, nq, d, Eigen::OuterStride<>(a.q_stride));
  s->acc.setZero(nq, d);
  s->row_max.assign(static_cast<std::size_t>(nq), -std::numeric_limits<float>::infinity());
  s->row_sum.assign(static_cast<std::size_t>(nq), 0.0f);
  const std::int64_t keys_end = visible_keys(a, q0 + nq - 1);  // the last row sees the most keys
  for (std::int64_t k0 = 0; k0 < keys_end; k0 += kKeyBlock) {
    const std::int64_t nk = std::min(kKeyBlock, keys_end - k0);
    const std::int64_t kv_column = static_cast<std::int64_t>(kv_head) * d;
    const StridedMap k(a.k + k0 * a.kv_stride + kv_column, nk, d, Eigen::OuterStride<>(a.kv_stride));
    const StridedMap v(a.v + k0 * a.kv_stride + kv_column, nk, d, Eigen::OuterStride<>(a.kv_stride));
    s->scores.resize(nq, nk);
    s->weights.resize(nq, nk);
    s->scores.noalias() = q * k.transpose();  // q k^T
    for (std::int64_t r = 0; r < nq; ++r) {
      const std::int64_t visible = std::clamp<std::int64_t>(visible_keys(a, q0 + r) - k0, 0, nk);
      auto w = s->weights.row(r);
      if (visible == 0) {
        w.setZero();
        continue;
      }
      auto scaled = s->scores.row(r).head(visible).array() * scale;  // q k^T / sqrt(d)
      float* max = &s->row_max[static_cast<std::size_t>(r)];
      float* sum = &s->row_sum[static_cast<std::size_t>(r)];
      const float rescale = softmax_raise_max(scaled.maxCoeff(), max, sum);  // m' = max(m, block max)
      if (rescale != 1.0f) s->acc.row(r) *= rescale;                          // acc <- acc exp(m - m')
      w.head(visible) = (scaled - *max).exp().matrix();                        // exp(s_j - m')
      w.tail(nk - visible).setZero();                                          // masked keys
      *sum += w.head(visible).sum();                                           // Z <- Z + sum_j exp(s_j - m')
    }
    s->acc.noalias() += s->weights * v;  // acc <- acc + P v
  }
  for (std::int64_t r = 0; r < nq; ++r) {
    float* o = a.out + (q0 + r) * a.out_stride + static_cast<std::int64_t>(head) * d;
    const float inv = 1.0f / s->row_sum[static_cast<std::size_t>(r)];  // softmax = exp(s - m) / Z
    for (int j = 0; j < d; ++j) o[j] = s->acc(r, j) * inv;
  }
}

}  // namespace

std::int64_t visible_keys(const AttentionArgs& a, std::int64_t query) {
  return a.mask == AttentionMask::causal ? std::min(a.keys, a.query_offset + query + 1) : a.keys;
}

void attention(const AttentionShape& shape, const AttentionArgs& args) {
  const std::int64_t query_blocks = (args.queries + kQueryBlock - 1) / kQueryBlock;
  const std::int64_t tasks = query_blocks * shape.heads;
  // Small problems (a decode step, a small temporal patch) stay on the calling thread.
  const bool parallel = args.queries * args.keys * shape.heads >= (std::int64_t{1} << 15);
#pragma omp parallel if (parallel)
  {
    BlockScratch scratch;
#pragma omp for schedule(dynamic, 1)
    for (std::int64_t task = 0; task < tasks; ++task) {
      // Later query blocks see more keys under the causal mask: hand them out first.
      const std::int64_t block = query_blocks - 1 - task / shape.heads;
      const int head = static_cast<int>(task % shape.heads);
      const std::int64_t q0 = block * kQueryBlock;
      attend_block(shape, args, head, q0, std::min(kQueryBlock, args.queries - q0), &scratch);
    }
  }
}

void attention_weights(const AttentionShape& shape, const AttentionArgs& a, std::int64_t query, float* weights) {
  const int d = shape.head_dim;
  const std::int64_t visible = visible_keys(a, query);
  const double scale = 1.0 / std::sqrt(static_cast<double>(d));
  std::vector<double> scores(static_cast<std::size_t>(visible));
  for (int head = 0; head < shape.heads; ++head) {
    const int kv_head = head / (shape.heads / shape.kv_heads);
    const float* q = a.q + query * a.q_stride + static_cast<std::int64_t>(head) * d;
    double max = -std::numeric_limits<double>::infinity();
    for (std::int64_t j = 0; j < visible; ++j) {
      const float* k = a.k + j * a.kv_stride + static_cast<std::int64_t>(kv_head) * d;
      double dot = 0.0;
      for (int c = 0; c < d; ++c) dot += static_cast<double>(q[c]) * k[c];
      scores[static_cast<std::size_t>(j)] = dot * scale;  // q k_j / sqrt(d)
      max = std::max(max, scores[static_cast<std::size_t>(j)]);
    }
    double sum = 0.0;
    for (double& sc : scores) sum += (sc = std::exp(sc - max));
    float* row = weights + static_cast<std::int64_t>(head) * a.keys;
    for (std::int64_t j = 0; j < a.keys; ++j) {
      row[j] = j < visible ? static_cast<float>(scores[static_cast<std::size_t>(j)] / sum) : 0.0f;
    }
  }
}

}  // namespace hopelab
