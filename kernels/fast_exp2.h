#pragma once
// 2^t in float as straight-line arithmetic, for a float or a FloatVector (kernels/float_vector.h)
// of them: t = n + f, n = round(t) by the 1.5 2^23 shift, f = t - n exact, |f| <= 1/2; 2^f by a
// degree-6 minimax polynomial (relative error 9e-9 on [-1/2, 1/2] with its coefficients rounded
// to float); 2^n added to the exponent field of the result. Within 1.8 ulp of 2^t for t in
// [-126, 127] (measured 0.79; tests/kernels/fast_exp2_test.cpp); 0 for t < -126 (results below
// FLT_MIN) and for -inf; t > 127 is outside its domain. The fused attention's softmax weights
// (kernels/attention_tile.h) take it on t = c s - m <= kAttentionMaxSlack.

#include <cstdint>
#include <cstring>

#include "kernels/float_vector.h"
#include "theory/host_device.h"

namespace hopelab {

// The unsigned integers with the bits of a float (or of a vector of floats).
template <typename T>
struct FloatBitsOf {
  using type = std::uint32_t;
};
#if !defined(__CUDACC__)
template <>
struct FloatBitsOf<FloatVector> {
  using type = UintVector;
};
#endif

template <typename T>
HOPELAB_HD inline T fast_exp2(T t) {
  using Bits = typename FloatBitsOf<T>::type;
  constexpr float kRound = 12582912.0f;  // 1.5 2^23: adding it rounds to an integer, kept in the low bits
  const T shifted = t + kRound;          // n + 1.5 2^23, n = round(t)
  const T n = shifted - kRound;
  const T f = t - n;  // exact
  // 2^f = 1 + f p(f): minimax for the relative error on [-1/2, 1/2] (exact at f = 0).
  T p = f * 1.490252034e-04f + 1.338958158e-03f;
  p = p * f + 9.620018303e-03f;
  p = p * f + 5.550365150e-02f;
  p = p * f + 2.402263731e-01f;
  p = p * f + 6.931471825e-01f;
  p = p * f + 1.0f;
  // 2^n p: the low bits of `shifted` hold n (two's complement); n << 23 adds n to p's exponent.
  // p is in [2^-1/2, 2^1/2], so the result is a normal float for n in [-126, 127] when n = -126
  // comes with f >= 0 (t >= -126).
  Bits shifted_bits, p_bits;
  std::memcpy(&shifted_bits, &shifted, sizeof shifted_bits);
  std::memcpy(&p_bits, &p, sizeof p_bits);
  p_bits += shifted_bits << 23;
  T y;
  std::memcpy(&y, &p_bits, sizeof y);
  return t < -126.0f ? T{} : y;
}

}  // namespace hopelab
