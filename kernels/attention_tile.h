#pragma once
// One step of the host's fused (flash-style) attention: R query rows of one head against one key
// tile of T = TV kFloatLanes keys, the R x T scores held in vector registers (Dao et al. 2022,
// "FlashAttention", on a CPU). With c = log2(e) / sqrt(d), per row:
//   s_j = q . k_j,  m' = max(m, c max_j s_j),  p_j = 2^(c s_j - m'),
//   l <- l 2^(m - m') + sum_j p_j,  o <- o 2^(m - m') + sum_j p_j v_j
// the online softmax of kernels/online_softmax.h in base 2 (m, the running max of c s, in units
// of log2), 2^x by kernels/fast_exp2.h; after the last tile, out = o / l. Operands packed so that
// every step reads contiguous memory:
//   q: (R, D), row r at q + r D;  k: (D, T), k[c T + j] = component c of key j;  v: (T, D)
// State per row: max (R); sum (R, kFloatLanes), lane i summing the tile's keys j = i mod lanes;
// acc (R, D). Each row folds its keys in tile order, whatever the rows beside it. Host only.

#if !defined(__CUDACC__)

#include <cmath>
#include <cstdint>

#include "kernels/fast_exp2.h"
#include "kernels/float_vector.h"

#define HOPELAB_ATTENTION_UNROLL _Pragma("GCC unroll 32")

namespace hopelab {

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
  // The softmax step per row: raise the max, weights p = 2^(c s - m'), rescale the sum.
  float rescale[R];
  HOPELAB_ATTENTION_UNROLL
  for (int r = 0; r < R; ++r) {
    FloatVector row_max = s[r][0];
    HOPELAB_ATTENTION_UNROLL
    for (int t = 1; t < TV; ++t) row_max = max_lanes(row_max, s[r][t]);
    const float tile_max = horizontal_max(row_max)[0] * scale_log2e;  // c max_j s_j (c > 0)
    const float old_max = max[r];
    const float new_max = tile_max > old_max ? tile_max : old_max;  // m'
    rescale[r] = new_max > old_max ? fast_exp2(old_max - new_max) : 1.0f;  // 2^(m - m'), 0 from m = -inf
    max[r] = new_max;
    const FloatVector shift = splat(new_max == -INFINITY ? 0.0f : new_max);  // no key seen yet: p = 0
    FloatVector total = load_floats(sum + r * W) * rescale[r];
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
      for (int cv = 0; cv < CV; ++cv) o[r][cv] = load_floats(acc + r * D + c0 + cv * W) * rescale[r];
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
