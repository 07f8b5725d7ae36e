#pragma once
// A register tile of scores x_s . w_m for S samples by M offsets, counted by sign: the inner
// loop of the win probability (sim/win_probability.h), laid out like a GEMM micro-kernel.
// Both operands come packed so that each step k of the dot product reads contiguous memory:
//   x tile: (2P, S), x[k * S + i] = component k of sample i's pair products (C, S)
//   w tile: (2P, M), w[k * M + j] = component k of offset j's rotation weights (cos, sin)
// Every score sums k = 0, 1, ..., 2P - 1 in order into one accumulator of type T, so a result
// depends only on the operands, never on threads or on where the tile sits.

#include <cstdint>

#include "theory/host_device.h"

// Loop hints: vectorise over the offsets of a row and unroll over the samples of the tile
// (the host compiler needs both to keep the S x M accumulators in vector registers; the device
// compiler, full unrolling to keep them in registers). The host pass of a CUDA compilation
// takes no hint: its host code is not the CPU backend.
#if defined(__CUDA_ARCH__)
#define HOPELAB_TILE_VECTORIZE _Pragma("unroll")
#define HOPELAB_TILE_UNROLL _Pragma("unroll")
#elif defined(__CUDACC__)
#define HOPELAB_TILE_VECTORIZE
#define HOPELAB_TILE_UNROLL
#else
#define HOPELAB_TILE_VECTORIZE _Pragma("omp simd")
#define HOPELAB_TILE_UNROLL _Pragma("GCC unroll 16")
#endif

namespace hopelab {

// wins[j] += #{i < S : x_i . w_j > 0}. x: (2P, S) packed; w: (2P, M) packed; wins: (M).
template <typename T, int S, int M>
HOPELAB_HD inline void count_positive_scores(const T* __restrict__ x, const T* __restrict__ w, int two_p,
                                             std::int32_t* __restrict__ wins) {
  T score[S][M] = {};
  for (int k = 0; k < two_p; ++k) {
    HOPELAB_TILE_UNROLL
    for (int i = 0; i < S; ++i) {
      const T xi = x[k * S + i];
      HOPELAB_TILE_VECTORIZE
      for (int j = 0; j < M; ++j) score[i][j] += xi * w[k * M + j];
    }
  }
  for (int i = 0; i < S; ++i) {
    HOPELAB_TILE_VECTORIZE
    for (int j = 0; j < M; ++j) wins[j] += score[i][j] > T(0);
  }
}

}  // namespace hopelab
