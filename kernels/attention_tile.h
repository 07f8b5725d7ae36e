#pragma once
// One step of the host's fused (flash-style) attention: R query rows of one head against one key
// tile of T = TV kFloatLanes keys, the R x T scores held in vector registers (Dao et al. 2022,
// "FlashAttention", on a CPU). With c = log2(e) / sqrt(d), per row:
//   s_j = q . k_j,  m' = c max_j s_j if that exceeds m + slack, else m,  p_j = 2^(c s_j - m'),
//   l <- l 2^(m - m') + sum_j p_j,  o <- o 2^(m - m') + sum_j p_j v_j
// the online softmax of kernels/online_softmax.h in base 2 (m in units of log2), the max raised
// lazily (slack = kAttentionMaxSlack: weights up to 2^8 are as good as weights up to 1 in float,
// and most tiles then rescale nothing); 2^x by kernels/fast_exp2.h; after the last tile,
// out = o / l. Operands packed so that every step reads contiguous memory:
//   q: (R, D), row r at q + r D;  k: (D, T), k[c T + j] = component c of key j;  v: (T, D)
// State per row: max (R, -inf before the first key); sum (R, kFloatLanes), lane i summing the
// keys j = i mod lanes; acc (R, D). A row's values depend only on its own query and keys, folded
// in tile order, whatever rows share its tile. Host only.

#if !defined(__CUDACC__)

#include <cmath>
#include <cstdint>

#include "kernels/fast_exp2.h"
#include "kernels/float_vector.h"

#define HOPELAB_ATTENTION_UNROLL _Pragma("GCC unroll 32")

namespace hopelab {

// How far (in log2) a tile's scores may exceed a row's max before the max is raised.
constexpr float kAttentionMaxSlack = 8.0f;

// Row r sees keys j < visible[r] of the tile (0 <= visible[r] <= T); visible == nullptr: all T.
// used: the tile's keys any row sees (max_r visible[r]; T without a mask). p: (R, T) scratch.
template <int D, int R, int TV>
inline void attend_tile(const float* __restrict__ q, const float* __restrict__ k, const float* __restrict__ v,
                        float scale_log2e, const std::int32_t* visible, int used, float* __restrict__ max,
                        float* __restrict__ sum, float* __restrict__ acc, float* __restrict__ p) {
  constexpr int W = kFloatLanes, T = TV * W;
  static_assert(D % W == 0, "the head dim is a whole number of vectors");
  // s = q k^T (R, T): for each component c, a vector of keys times q[r][c].
  FloatVector s[R][TV];
  HOPELAB_ATTENTION_UNROLL
  for (int r = 0; r < R; ++r) {
    HOPELAB_ATTENTION_UNROLL
    for (int t = 0; t < TV; ++t) s[r][t] = FloatVector{};
  }
  for (int c = 0; c < D; ++c) {
    FloatVector kc[TV];
    HOPELAB_ATTENTION_UNROLL
    for (int t = 0; t < TV; ++t) kc[t] = load_floats(k + c * T + t * W);
    HOPELAB_ATTENTION_UNROLL
    for (int r = 0; r < R; ++r) {
      const float qc = q[r * D + c];
      HOPELAB_ATTENTION_UNROLL
      for (int t = 0; t < TV; ++t) s[r][t] += qc * kc[t];
    }
  }
  if (visible != nullptr) {  // masked keys score -inf, weight 0
    const FloatVector minus_inf = splat(-INFINITY);
    HOPELAB_ATTENTION_UNROLL
    for (int r = 0; r < R; ++r) {
      HOPELAB_ATTENTION_UNROLL
      for (int t = 0; t < TV; ++t) s[r][t] = lane_indices(t * W) < visible[r] ? s[r][t] : minus_inf;
    }
  }
  // Does a row raise its max? excess = max_r (c max_j s_rj - m_r - slack) > 0, one test per tile.
  static_assert(R <= W, "one vector holds the rows' maxima");
  FloatVector row_max[R];
  FloatVector excess = splat(-INFINITY);
  HOPELAB_ATTENTION_UNROLL
  for (int r = 0; r < R; ++r) {
    row_max[r] = s[r][0];
    HOPELAB_ATTENTION_UNROLL
    for (int t = 1; t < TV; ++t) row_max[r] = max_lanes(row_max[r], s[r][t]);
    excess = max_lanes(excess, row_max[r] * scale_log2e - splat(max[r] + kAttentionMaxSlack));
  }
  const bool raise = !(horizontal_max(excess)[0] <= 0.0f);
  float rescale[W] = {};
  if (raise) {
    float old_max[W] = {}, new_max[W] = {};
    HOPELAB_ATTENTION_UNROLL
    for (int r = 0; r < R; ++r) {
      const float tile_max = horizontal_max(row_max[r])[0] * scale_log2e;
      old_max[r] = max[r];
      new_max[r] = max[r] = tile_max > old_max[r] + kAttentionMaxSlack ? tile_max : old_max[r];
    }
    const FloatVector old_v = load_floats(old_max), new_v = load_floats(new_max);
    store_floats(rescale, new_v > old_v ? fast_exp2(old_v - new_v) : splat(1.0f));
  }
  // Weights p = 2^(c s - m') and the sum l <- l 2^(m - m') + sum_j p_j, row by row.
  HOPELAB_ATTENTION_UNROLL
  for (int r = 0; r < R; ++r) {
    const FloatVector shift = splat(max[r] == -INFINITY ? 0.0f : max[r]);  // no key seen yet: p = 0
    FloatVector total = load_floats(sum + r * W);
    if (raise) total *= rescale[r];
    HOPELAB_ATTENTION_UNROLL
    for (int t = 0; t < TV; ++t) {
      const FloatVector weight = fast_exp2(s[r][t] * scale_log2e - shift);  // 2^(c s_j - m')
      store_floats(p + r * T + t * W, weight);
      total += weight;
    }
    store_floats(sum + r * W, total);
  }
  // acc <- acc 2^(m - m') + p v, in chunks of CV vectors of the head dim (R CV accumulators).
  constexpr int kVectors = D / W;
  constexpr int CV = kVectors % 4 == 0 && R <= 6 ? 4 : (kVectors % 2 == 0 ? 2 : 1);
  for (int c0 = 0; c0 < D; c0 += CV * W) {
    FloatVector o[R][CV];
    HOPELAB_ATTENTION_UNROLL
    for (int r = 0; r < R; ++r) {
      HOPELAB_ATTENTION_UNROLL
      for (int cv = 0; cv < CV; ++cv) {
        o[r][cv] = load_floats(acc + r * D + c0 + cv * W);
        if (raise) o[r][cv] *= rescale[r];
      }
    }
    for (int j = 0; j < used; ++j) {
      FloatVector vj[CV];
      HOPELAB_ATTENTION_UNROLL
      for (int cv = 0; cv < CV; ++cv) vj[cv] = load_floats(v + j * D + c0 + cv * W);
      HOPELAB_ATTENTION_UNROLL
      for (int r = 0; r < R; ++r) {
        const float pj = p[r * T + j];
        HOPELAB_ATTENTION_UNROLL
        for (int cv = 0; cv < CV; ++cv) o[r][cv] += pj * vj[cv];
      }
    }
    HOPELAB_ATTENTION_UNROLL
    for (int r = 0; r < R; ++r) {
      HOPELAB_ATTENTION_UNROLL
      for (int cv = 0; cv < CV; ++cv) store_floats(acc + r * D + c0 + cv * W, o[r][cv]);
    }
  }
}

}  // namespace hopelab

#endif  // !defined(__CUDACC__)
