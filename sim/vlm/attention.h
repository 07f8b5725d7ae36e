#pragma once
// Multi-head scaled dot-product attention, softmax(q k^T / sqrt(d)) v per head, that never holds
// an L x L matrix (docs/vlm.md "C++ model"). Two paths: a fused tile kernel (kernels/
// attention_tile.h: scores in registers, keys packed once per call; head dims 16, 32, 64, 128)
// and blocked Eigen products (query blocks x key blocks, rows folded with kernels/
// online_softmax.h; any head dim, and decode steps). Masks: causal (the LLM; query i sees keys
// j <= query_offset + i) or full (one vision temporal patch). GQA: query head j reads KV head
// j / (heads / kv_heads). Deterministic: each row folds its keys in a fixed order.

#include <cstdint>

namespace hopelab {

enum class AttentionMask { causal, full };

struct AttentionShape {
  int heads = 0;     // n_h
  int kv_heads = 0;  // n_kv, divides n_h
  int head_dim = 0;  // d
};

// Strided views: head j of row i of q is q[i * q_stride + j * d .. + d - 1]; likewise k, v
// (kv_stride) and out (out_stride).
struct AttentionArgs {
  const float* q = nullptr;        // (queries, q_stride), heads * d used
  std::int64_t q_stride = 0;
  const float* k = nullptr;        // (keys, kv_stride), kv_heads * d used, already rotated
  const float* v = nullptr;        // (keys, kv_stride)
  std::int64_t kv_stride = 0;
  std::int64_t queries = 0;        // Lq
  std::int64_t keys = 0;           // Lk
  std::int64_t query_offset = 0;   // causal: index of query 0 among the keys (cached tokens)
  AttentionMask mask = AttentionMask::causal;
  float* out = nullptr;            // (queries, out_stride), heads * d written
  std::int64_t out_stride = 0;
};

// The keys query i sees: [0, visible_keys(args, i)). Causal: min(keys, query_offset + i + 1);
// full: keys.
std::int64_t visible_keys(const AttentionArgs& args, std::int64_t query);

// out = softmax(q k^T / sqrt(d) + mask) v for every head: the fused path where it fits and the
// call has at least 16 queries (below, packing the keys would cost as much as reading them),
// else the blocked path. OpenMP over query blocks x heads (fused: x KV heads).
void attention(const AttentionShape& shape, const AttentionArgs& args);

// The two paths on their own (tests, benchmarks). fused_attention needs fused_attention_fits(d).
bool fused_attention_fits(int head_dim);
void fused_attention(const AttentionShape& shape, const AttentionArgs& args);
void blocked_attention(const AttentionShape& shape, const AttentionArgs& args);

// The softmax weights of one query row over all keys, per head (0 on masked keys), computed
// directly (no blocking): an end-to-end probe. weights: (heads, keys).
void attention_weights(const AttentionShape& shape, const AttentionArgs& args, std::int64_t query, float* weights);

}  // namespace hopelab
