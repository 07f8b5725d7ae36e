#pragma once
// The backward pass of sim/vlm/attention.h's attention, out = softmax(q k^T / sqrt(d) + mask) v
// per head, recomputing the softmax from q and k (nothing L x L is kept by the forward):
//   P = softmax(S), S = q k^T / sqrt(d) masked;  dP = dout v^T;  D_i = sum_j P_ij dP_ij;
//   dS = P (dP - D);  dq += dS k / sqrt(d);  dk += dS^T q / sqrt(d);  dv += P^T dout.
// GQA: a KV head's dk and dv sum over the query heads that read it. Float32 products, softmax
// sums in double; one thread per (attention, KV head), so every value is the same for any
// thread count.

#include <cstdint>
#include <vector>

#include "sim/vlm/attention.h"

namespace hopelab {

// Gradient outputs, laid out as the forward's inputs: dq like q (q_stride), dk and dv like k
// and v (kv_stride); dout like out (out_stride). All added into.
struct AttentionGradients {
  const float* dout = nullptr;  // (queries, out_stride)
  float* dq = nullptr;          // (queries, q_stride)
  float* dk = nullptr;          // (keys, kv_stride)
  float* dv = nullptr;          // (keys, kv_stride)
};

// forward: the arguments the forward ran with (its out is not read).
void attention_backward(const AttentionShape& shape, const AttentionArgs& forward, const AttentionGradients& g);
// Several attentions of one shape whose gradient outputs do not overlap (a packed batch's
// sequences, a grid's temporal patches), run in parallel. forward, g: one entry per attention.
void attention_backward(const AttentionShape& shape, const std::vector<AttentionArgs>& forward,
                        const std::vector<AttentionGradients>& g);

}  // namespace hopelab
