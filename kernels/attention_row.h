#pragma once
// Softmax attention of one query row, host and device (docs/vlm.md "GPU backend"):
//   out = sum_j softmax_j(q . k_j / sqrt(d)) v_j  over keys j = 0 .. visible - 1,
// folded key by key in ascending order with kernels/online_softmax.h, so no score row is held.
// The per-thread body of the device attention kernel; the host model's blocked attention
// (sim/vlm/attention.cpp) computes the same sums with block matrix products.

#include <cstdint>

#include "kernels/online_softmax.h"
#include "theory/host_device.h"

namespace hopelab {

// The largest head dim the per-row body holds in its accumulator.
constexpr int kAttendRowMaxHeadDim = 256;

// q: (d); key j at k + j * kv_stride, value j at v + j * kv_stride (d floats each); out: (d).
// FixedD > 0 fixes d at compile time (the accumulator stays in registers on a GPU); FixedD = 0
// reads d (<= kAttendRowMaxHeadDim) at run time. visible >= 1.
template <int FixedD>
HOPELAB_HD inline void attend_row(const float* q, const float* k, const float* v, std::int64_t kv_stride,
                                  std::int64_t visible, int head_dim, float scale, float* out) {
  constexpr int kCapacity = FixedD > 0 ? FixedD : kAttendRowMaxHeadDim;
  const int d = FixedD > 0 ? FixedD : head_dim;
  float acc[kCapacity];
  for (int c = 0; c < d; ++c) acc[c] = 0.0f;
  float max = -INFINITY, sum = 0.0f;
  for (std::int64_t j = 0; j < visible; ++j) {
    const float* kj = k + j * kv_stride;
    const float* vj = v + j * kv_stride;
    float dot = 0.0f;
    for (int c = 0; c < d; ++c) dot += q[c] * kj[c];
    float rescale = 1.0f;
    const float weight = softmax_add(dot * scale, &max, &sum, &rescale);  // exp(s_j - m'), Z updated
    for (int c = 0; c < d; ++c) acc[c] = acc[c] * rescale + weight * vj[c];  // acc exp(m - m') + w_j v_j
  }
  const float inv = 1.0f / sum;  // softmax = exp(s - m) / Z
  for (int c = 0; c < d; ++c) out[c] = acc[c] * inv;
}

}  // namespace hopelab
