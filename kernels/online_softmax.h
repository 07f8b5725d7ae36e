#pragma once
// One-pass ("online") softmax (Milakov & Gimelshein 2018): a running max m and a running sum
// Z = sum_j exp(s_j - m) over the scores seen so far; when m grows to m', Z and any accumulator
// of exp(s_j - m) v_j are rescaled by exp(m - m'). Start from m = -inf, Z = 0. float and double.

#include <cmath>

#include "theory/host_device.h"

namespace hopelab {

// exp in the precision of T, on host and device.
HOPELAB_HD inline float softmax_exp(float x) { return ::expf(x); }
HOPELAB_HD inline double softmax_exp(double x) { return ::exp(x); }

// Raises the running max to new_max when it is larger: Z <- Z exp(m - new_max), m <- new_max.
// Returns the factor exp(m - new_max) (1 when m stays) by which an accumulator must be scaled.
template <typename T>
HOPELAB_HD inline T softmax_raise_max(T new_max, T* max, T* sum) {
  if (!(new_max > *max)) return T(1);
  const T rescale = softmax_exp(*max - new_max);  // exp(m - m'), 0 when m = -inf
  *sum *= rescale;
  *max = new_max;
  return rescale;
}

// One score: (m, Z) <- (max(m, s), Z exp(m - m') + exp(s - m')). Returns exp(s - m'), the
// weight of this score's value; *rescale (when given) receives the accumulator factor exp(m - m').
template <typename T>
HOPELAB_HD inline T softmax_add(T score, T* max, T* sum, T* rescale = nullptr) {
  if (score > *max) {  // m' = s: Z <- Z exp(m - s) + 1
    const T factor = softmax_exp(*max - score);
    *sum = *sum * factor + T(1);
    *max = score;
    if (rescale != nullptr) *rescale = factor;
    return T(1);
  }
  if (rescale != nullptr) *rescale = T(1);
  const T weight = softmax_exp(score - *max);  // m' = m: Z <- Z + exp(s - m)
  *sum += weight;
  return weight;
}

}  // namespace hopelab
