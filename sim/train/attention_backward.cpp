#include "sim/train/attention_backward.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/fast_exp.h"

namespace hopelab {
namespace {

constexpr std::int64_t kQueryBlock = 64;
// Keys are taken in chunks of kLanes (a row of scores is padded to a multiple): one AVX-512
// vector of floats, so that the vector loops below have no remainder.
constexpr std::int64_t kLanes = 16;
// Gradient rows summed together (weighted_sums).
constexpr int kGroup = 4;

// Scratch of one thread. p, dp: (nq, nk padded); kt, vt: (d, nk padded) the keys and values
// transposed, so that a row of scores is a sum of d vectors over keys; acc: (kGroup, d) when d
// is not fixed at compile time.
struct Scratch {
  std::vector<float> p, dp, kt, vt, acc;
};

// Outputs o < n (n <= kGroup) at once, so that their sums overlap:
//   out_o += factor * sum_{t < terms} w(o, t) vec_t,  summed in t order,
// w(o, t) = weights[o * w_row + t * w_col], vec_t = vecs + t * vec_stride: (d), out_o = out + o *
// out_stride: (d). FixedD > 0: d fixed, the sums in registers; 0: in s->acc.
template <int FixedD>
void weighted_sums(int d, std::int64_t n, std::int64_t terms, const float* weights, std::int64_t w_row,
                   std::int64_t w_col, const float* vecs, std::int64_t vec_stride, float factor, float* out,
                   std::int64_t out_stride, Scratch* s) {
  if (FixedD > 0) d = FixedD;
  float fixed[FixedD > 0 ? kGroup * FixedD : 1];
  s->acc.resize(FixedD > 0 ? 0 : static_cast<std::size_t>(kGroup * d));
  float* acc = FixedD > 0 ? fixed : s->acc.data();  // (kGroup, d)
  std::fill(acc, acc + kGroup * d, 0.0f);
  for (std::int64_t t = 0; t < terms; ++t) {
    const float* v = vecs + t * vec_stride;
    for (int o = 0; o < kGroup; ++o) {
      const float w = o < n ? weights[o * w_row + t * w_col] : 0.0f;
      float* ao = acc + o * d;
#pragma omp simd
      for (int c = 0; c < d; ++c) ao[c] += w * v[c];
    }
  }
  for (int o = 0; o < n; ++o) {
    float* dst = out + o * out_stride;
#pragma omp simd
    for (int c = 0; c < d; ++c) dst[c] += acc[o * d + c] * factor;
  }
}

// Query head `head`, queries q0 .. q0 + nq - 1, against every key they see. Plain loops, vectors
// over keys (scores) or over the head dim (gradients); every sum runs in a fixed order. FixedD
// > 0 fixes d at compile time (the accumulators stay in registers); 0 reads it at run time.
template <int FixedD>
void head_block_backward(const AttentionShape& shape, const AttentionArgs& a, const AttentionGradients& g, int head,
                         std::int64_t q0, std::int64_t nq, Scratch* s) {
  const int d = FixedD > 0 ? FixedD : shape.head_dim;
  const int kv_head = head / (shape.heads / shape.kv_heads);  // GQA: the forward's rule
  const float scale = 1.0f / std::sqrt(static_cast<float>(d));
  const std::int64_t nk = visible_keys(a, q0 + nq - 1);  // the last query sees the most keys
  const std::int64_t width = (nk + kLanes - 1) / kLanes * kLanes;  // nk padded
  const std::int64_t q_col = static_cast<std::int64_t>(head) * d, kv_col = static_cast<std::int64_t>(kv_head) * d;
  const float* q = a.q + q0 * a.q_stride + q_col;        // row i at q + i * q_stride
  const float* dout = g.dout + q0 * a.out_stride + q_col;  // row i at dout + i * out_stride
  const float* k = a.k + kv_col;                         // row j at k + j * kv_stride
  const float* v = a.v + kv_col;
  s->p.resize(static_cast<std::size_t>(nq * width));
  s->dp.resize(static_cast<std::size_t>(nq * width));
  s->kt.assign(static_cast<std::size_t>(d * width), 0.0f);
  s->vt.assign(static_cast<std::size_t>(d * width), 0.0f);
  float* kt = s->kt.data();
  float* vt = s->vt.data();
  for (std::int64_t j = 0; j < nk; ++j) {
    for (int c = 0; c < d; ++c) {
      kt[c * width + j] = k[j * a.kv_stride + c];
      vt[c * width + j] = v[j * a.kv_stride + c];
    }
  }

  for (std::int64_t i = 0; i < nq; ++i) {
    const std::int64_t visible = visible_keys(a, q0 + i);
    const float* qi = q + i * a.q_stride;
    const float* oi = dout + i * a.out_stride;
    float* p = s->p.data() + i * width;
    float* dp = s->dp.data() + i * width;
    for (std::int64_t j0 = 0; j0 < width; j0 += kLanes) {  // q k^T and dP = dout v^T, keys j0 ..
      float sc[kLanes] = {}, dpc[kLanes] = {};
      for (int c = 0; c < d; ++c) {
        const float qc = qi[c], oc = oi[c];
#pragma omp simd
        for (std::int64_t l = 0; l < kLanes; ++l) {
          sc[l] += qc * kt[c * width + j0 + l];
          dpc[l] += oc * vt[c * width + j0 + l];
        }
      }
#pragma omp simd
      for (std::int64_t l = 0; l < kLanes; ++l) {
        p[j0 + l] = j0 + l < visible ? sc[l] * scale : -INFINITY;  // S = q k^T / sqrt(d), masked
        dp[j0 + l] = dpc[l];
      }
    }
    float max = -INFINITY;
#pragma omp simd reduction(max : max)
    for (std::int64_t j = 0; j < width; ++j) max = p[j] > max ? p[j] : max;
#pragma omp simd
    for (std::int64_t j = 0; j < width; ++j) p[j] = fast_exp(p[j] - max);  // exp(S_ij - max_j S_ij), 0 where masked
    double sum = 0.0;
#pragma omp simd reduction(+ : sum)
    for (std::int64_t j = 0; j < width; ++j) sum += p[j];
    const auto inv = static_cast<float>(1.0 / sum);
    double dot = 0.0;  // D_i = sum_j P_ij dP_ij
#pragma omp simd reduction(+ : dot)
    for (std::int64_t j = 0; j < width; ++j) {
      p[j] *= inv;  // P_ij
      dot += static_cast<double>(p[j]) * dp[j];
    }
    const auto di = static_cast<float>(dot);
#pragma omp simd
    for (std::int64_t j = 0; j < width; ++j) dp[j] = p[j] * (dp[j] - di);  // dS_ij = P_ij (dP_ij - D_i)
  }

  // dq_i += (sum_j dS_ij k_j) / sqrt(d): keys past a row's visible ones have dS_ij = 0.
  for (std::int64_t i = 0; i < nq; i += kGroup) {
    const std::int64_t n = std::min<std::int64_t>(kGroup, nq - i);
    weighted_sums<FixedD>(d, n, visible_keys(a, q0 + i + n - 1), s->dp.data() + i * width, width, 1, k, a.kv_stride,
                          scale, g.dq + (q0 + i) * a.q_stride + q_col, a.q_stride, s);
  }
  for (std::int64_t j = 0; j < nk; j += kGroup) {
    const std::int64_t n = std::min<std::int64_t>(kGroup, nk - j);
    // dk_j += (sum_i dS_ij q_i) / sqrt(d);  dv_j += sum_i P_ij dout_i.
    weighted_sums<FixedD>(d, n, nq, s->dp.data() + j, 1, width, q, a.q_stride, scale, g.dk + j * a.kv_stride + kv_col,
                          a.kv_stride, s);
    weighted_sums<FixedD>(d, n, nq, s->p.data() + j, 1, width, dout, a.out_stride, 1.0f,
                          g.dv + j * a.kv_stride + kv_col, a.kv_stride, s);
  }
}

// One KV head of one attention: its query heads' blocks in order (its dk, dv: one thread).
void kv_head_backward(const AttentionShape& shape, const AttentionArgs& a, const AttentionGradients& g, int kv_head,
                      Scratch* s) {
  const int group = shape.heads / shape.kv_heads;
  for (int member = 0; member < group; ++member) {
    for (std::int64_t q0 = 0; q0 < a.queries; q0 += kQueryBlock) {
      const int head = kv_head * group + member;
      const std::int64_t nq = std::min(kQueryBlock, a.queries - q0);
      switch (shape.head_dim) {  // the common head dims, fixed at compile time
        case 16: head_block_backward<16>(shape, a, g, head, q0, nq, s); break;
        case 32: head_block_backward<32>(shape, a, g, head, q0, nq, s); break;
        case 64: head_block_backward<64>(shape, a, g, head, q0, nq, s); break;
        case 128: head_block_backward<128>(shape, a, g, head, q0, nq, s); break;
        default: head_block_backward<0>(shape, a, g, head, q0, nq, s);
      }
    }
  }
}

}  // namespace

void attention_backward(const AttentionShape& shape, const AttentionArgs& a, const AttentionGradients& g) {
  attention_backward(shape, std::vector<AttentionArgs>{a}, std::vector<AttentionGradients>{g});
}

void attention_backward(const AttentionShape& shape, const std::vector<AttentionArgs>& forward,
                        const std::vector<AttentionGradients>& g) {
  const auto tasks = static_cast<std::int64_t>(forward.size()) * shape.kv_heads;
  std::int64_t work = 0;  // scores over all tasks
  for (const AttentionArgs& a : forward) work += a.queries * a.keys * shape.heads;
#pragma omp parallel if (tasks > 1 && work >= (std::int64_t{1} << 15))
  {
    Scratch scratch;
#pragma omp for schedule(dynamic, 1)
    for (std::int64_t t = 0; t < tasks; ++t) {
      const auto i = static_cast<std::size_t>(t / shape.kv_heads);
      kv_head_backward(shape, forward[i], g[i], static_cast<int>(t % shape.kv_heads), &scratch);
    }
  }
}

}  // namespace hopelab
