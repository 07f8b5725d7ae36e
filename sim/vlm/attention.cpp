#include "sim/vlm/attention.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "kernels/attention_tile.h"
#include "kernels/online_softmax.h"

namespace hopelab {
namespace {

// Small problems (a decode step, a small temporal patch) stay on the calling thread.
bool worth_threads(const AttentionShape& shape, const AttentionArgs& a) {
  return a.queries * a.keys * shape.heads >= (std::int64_t{1} << 15);
}

// ---- The fused path (kernels/attention_tile.h): head dims 16, 32, 64, 128, from kFusedMinQueries
// queries up (fewer, a decode step, read the keys once: packing them would double the traffic).

constexpr std::int64_t kFusedMinQueries = 16;
// A tile: kTileRows query rows x kTileKeys keys (6 x 64 with AVX-512: 24 score vectors).
constexpr int kTileRows = kFloatLanes >= 16 ? 6 : 4;
constexpr int kTileKeyVectors = kFloatLanes >= 16 ? 4 : 2;
constexpr int kTileKeys = kTileKeyVectors * kFloatLanes;
// A task: one KV head's query heads over kBlockRows queries; each key tile, loaded once, meets
// all of the task's row tiles.
constexpr std::int64_t kBlockRows = 8 * kTileRows;

// The keys and values of every KV head, packed once per call in the order attend_tile reads:
// tile t of KV head g at (g tiles + t) kTileKeys d floats; keys (d, kTileKeys), values
// (kTileKeys, d); keys past the last are 0.
struct PackedKeys {
  std::int64_t tiles = 0;
  std::unique_ptr<float[]> k, v;
};

template <int D>
void pack_key_tile(const AttentionArgs& a, int kv_head, std::int64_t tile, PackedKeys* packed) {
  constexpr std::int64_t kTileFloats = std::int64_t{kTileKeys} * D;
  float* k = packed->k.get() + (kv_head * packed->tiles + tile) * kTileFloats;
  float* v = packed->v.get() + (kv_head * packed->tiles + tile) * kTileFloats;
  const std::int64_t first = tile * kTileKeys;
  const int n = static_cast<int>(std::min<std::int64_t>(kTileKeys, a.keys - first));
  for (int j = 0; j < n; ++j) {
    const std::int64_t row = (first + j) * a.kv_stride + std::int64_t{kv_head} * D;
    for (int c = 0; c < D; ++c) k[c * kTileKeys + j] = a.k[row + c];
    std::copy_n(a.v + row, D, v + j * D);
  }
  for (int c = 0; n < kTileKeys && c < D; ++c) std::fill(k + c * kTileKeys + n, k + (c + 1) * kTileKeys, 0.0f);
  std::fill(v + n * D, v + kTileFloats, 0.0f);
}

// One task's state: its query rows packed (group, rows, D) with rows a whole number of row
// tiles (padding rows are 0), and each row's running max, sum and accumulator.
struct TaskScratch {
  std::vector<float> q, max, sum, acc, p;
};

// KV head g's query heads over queries q0 .. q0 + nq - 1: every key tile they see, in order.
template <int D>
void attend_task(const AttentionShape& shape, const AttentionArgs& a, const PackedKeys& packed, int kv_head,
                 std::int64_t q0, std::int64_t nq, TaskScratch* s) {
  constexpr std::int64_t kTileFloats = std::int64_t{kTileKeys} * D;
  const int group = shape.heads / shape.kv_heads;
  const std::int64_t row_tiles = (nq + kTileRows - 1) / kTileRows, rows = row_tiles * kTileRows;
  const auto size = [&](std::int64_t per_row) { return static_cast<std::size_t>(group * rows * per_row); };
  s->q.assign(size(D), 0.0f);
  s->max.assign(size(1), -std::numeric_limits<float>::infinity());
  s->sum.assign(size(kFloatLanes), 0.0f);
  s->acc.assign(size(D), 0.0f);
  s->p.resize(static_cast<std::size_t>(kTileRows * kTileKeys));
  for (int h = 0; h < group; ++h) {
    const int head = kv_head * group + h;
    for (std::int64_t i = 0; i < nq; ++i) {
      std::copy_n(a.q + (q0 + i) * a.q_stride + std::int64_t{head} * D, D, &s->q[static_cast<std::size_t>((h * rows + i) * D)]);
    }
  }
  const float scale_log2e = static_cast<float>(M_LOG2E / std::sqrt(static_cast<double>(D)));  // log2(e) / sqrt(d)
  const std::int64_t tiles = (visible_keys(a, q0 + nq - 1) + kTileKeys - 1) / kTileKeys;  // the last row sees most
  std::int32_t visible[kTileRows];
  for (std::int64_t t = 0; t < tiles; ++t) {
    const std::int64_t k0 = t * kTileKeys;
    const float* k = packed.k.get() + (kv_head * packed.tiles + t) * kTileFloats;
    const float* v = packed.v.get() + (kv_head * packed.tiles + t) * kTileFloats;
    for (std::int64_t rt = 0; rt < row_tiles; ++rt) {
      const std::int64_t i0 = rt * kTileRows, last = std::min(i0 + kTileRows, nq) - 1;
      if (k0 >= visible_keys(a, q0 + last)) continue;  // no row of the tile sees a key of it
      const bool masked = k0 + kTileKeys > visible_keys(a, q0 + i0);  // the first row sees fewest
      int used = kTileKeys;
      if (masked) {
        used = 0;
        for (int r = 0; r < kTileRows; ++r) {  // padding rows take the last row's keys
          const std::int64_t seen = visible_keys(a, q0 + std::min(i0 + r, last)) - k0;
          visible[r] = static_cast<std::int32_t>(std::clamp<std::int64_t>(seen, 0, kTileKeys));
          used = std::max(used, static_cast<int>(visible[r]));
        }
      }
      for (int h = 0; h < group; ++h) {
        const std::int64_t row = h * rows + i0;
        attend_tile<D, kTileRows, kTileKeyVectors>(
            &s->q[static_cast<std::size_t>(row * D)], k, v, scale_log2e, masked ? visible : nullptr, used,
            &s->max[static_cast<std::size_t>(row)], &s->sum[static_cast<std::size_t>(row * kFloatLanes)],
            &s->acc[static_cast<std::size_t>(row * D)], s->p.data());
      }
    }
  }
  for (int h = 0; h < group; ++h) {
    const int head = kv_head * group + h;
    for (std::int64_t i = 0; i < nq; ++i) {
      const std::int64_t row = h * rows + i;
      const float total = horizontal_sum(load_floats(&s->sum[static_cast<std::size_t>(row * kFloatLanes)]));
      const float inv = 1.0f / total;  // softmax = 2^(c s - m) / l
      const float* acc = &s->acc[static_cast<std::size_t>(row * D)];
      float* o = a.out + (q0 + i) * a.out_stride + std::int64_t{head} * D;
      for (int c = 0; c < D; ++c) o[c] = acc[c] * inv;
    }
  }
}

template <int D>
void fused_attention_of(const AttentionShape& shape, const AttentionArgs& a) {
  PackedKeys packed;
  packed.tiles = (a.keys + kTileKeys - 1) / kTileKeys;
  const std::int64_t pieces = shape.kv_heads * packed.tiles;
  const auto floats = static_cast<std::size_t>(pieces * kTileKeys * D);
  packed.k.reset(new float[floats]);
  packed.v.reset(new float[floats]);
  const std::int64_t blocks = (a.queries + kBlockRows - 1) / kBlockRows;
  const std::int64_t tasks = blocks * shape.kv_heads;
#pragma omp parallel if (worth_threads(shape, a))
  {
#pragma omp for schedule(static)
    for (std::int64_t piece = 0; piece < pieces; ++piece) {
      pack_key_tile<D>(a, static_cast<int>(piece / packed.tiles), piece % packed.tiles, &packed);
    }
    TaskScratch scratch;
#pragma omp for schedule(dynamic, 1)
    for (std::int64_t task = 0; task < tasks; ++task) {
      // Later query blocks see more keys under the causal mask: hand them out first.
      const std::int64_t block = blocks - 1 - task / shape.kv_heads;
      const std::int64_t q0 = block * kBlockRows;
      attend_task<D>(shape, a, packed, static_cast<int>(task % shape.kv_heads), q0,
                     std::min(kBlockRows, a.queries - q0), &scratch);
    }
  }
}

// ---- The blocked path: Eigen block products, any head dim.

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

bool fused_attention_fits(int head_dim) {
  return head_dim == 16 || head_dim == 32 || head_dim == 64 || head_dim == 128;
}

void fused_attention(const AttentionShape& shape, const AttentionArgs& args) {
  switch (shape.head_dim) {
    case 16: return fused_attention_of<16>(shape, args);
    case 32: return fused_attention_of<32>(shape, args);
    case 64: return fused_attention_of<64>(shape, args);
    case 128: return fused_attention_of<128>(shape, args);
    default: throw std::invalid_argument("fused_attention: head dim " + std::to_string(shape.head_dim));
  }
}

void blocked_attention(const AttentionShape& shape, const AttentionArgs& args) {
  const std::int64_t query_blocks = (args.queries + kQueryBlock - 1) / kQueryBlock;
  const std::int64_t tasks = query_blocks * shape.heads;
#pragma omp parallel if (worth_threads(shape, args))
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

void attention(const AttentionShape& shape, const AttentionArgs& args) {
  if (args.queries >= kFusedMinQueries && fused_attention_fits(shape.head_dim)) {
    fused_attention(shape, args);
  } else {
    blocked_attention(shape, args);
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
