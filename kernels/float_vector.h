#pragma once
// The host's widest float vector, as a GCC vector extension: FloatVector holds kFloatLanes floats
// (16 with AVX-512, 8 with AVX, else 4) and its arithmetic is element-wise, compiled to the
// target's SIMD instructions (a * b + c to one FMA where the target has it). Loads and stores
// are unaligned; horizontal max and sum fold lanes pairwise (butterflies), in a fixed order.
// Host only: the device code of a CUDA compilation does not see it.

#if !defined(__CUDACC__)

#include <cstdint>
#include <cstring>

namespace hopelab {

#if defined(__AVX512F__)
constexpr int kFloatLanes = 16;
#elif defined(__AVX__)
constexpr int kFloatLanes = 8;
#else
constexpr int kFloatLanes = 4;
#endif

typedef float FloatVector __attribute__((vector_size(kFloatLanes * sizeof(float))));
typedef std::int32_t IntVector __attribute__((vector_size(kFloatLanes * sizeof(float))));
typedef std::uint32_t UintVector __attribute__((vector_size(kFloatLanes * sizeof(float))));

// Every lane x (x - 0 is x for every float, -0 included).
inline FloatVector splat(float x) { return x - FloatVector{}; }

// Lanes p[0 .. kFloatLanes - 1], p of any alignment.
inline FloatVector load_floats(const float* p) {
  FloatVector v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

inline void store_floats(float* p, FloatVector v) { std::memcpy(p, &v, sizeof v); }

// (0, 1, ..., kFloatLanes - 1) + first.
inline IntVector lane_indices(std::int32_t first) {
  IntVector v;
  for (int i = 0; i < kFloatLanes; ++i) v[i] = first + i;
  return v;
}

inline FloatVector max_lanes(FloatVector a, FloatVector b) { return a > b ? a : b; }

// Lane i of the result is lane i ^ Step of v.
template <int Step>
inline FloatVector swap_lanes(FloatVector v) {
  IntVector mask;
  for (int i = 0; i < kFloatLanes; ++i) mask[i] = i ^ Step;
  return __builtin_shuffle(v, mask);
}

// max over the lanes, in every lane.
inline FloatVector horizontal_max(FloatVector v) {
  if constexpr (kFloatLanes >= 16) v = max_lanes(v, swap_lanes<8>(v));
  if constexpr (kFloatLanes >= 8) v = max_lanes(v, swap_lanes<4>(v));
  v = max_lanes(v, swap_lanes<2>(v));
  return max_lanes(v, swap_lanes<1>(v));
}

// sum over the lanes, folded pairwise (halves first).
inline float horizontal_sum(FloatVector v) {
  if constexpr (kFloatLanes >= 16) v += swap_lanes<8>(v);
  if constexpr (kFloatLanes >= 8) v += swap_lanes<4>(v);
  v += swap_lanes<2>(v);
  v += swap_lanes<1>(v);
  return v[0];
}

}  // namespace hopelab

#endif  // !defined(__CUDACC__)
