#pragma once
// The row normalisations of the Qwen2-VL architecture (docs/vlm.md), one row of `width` floats,
// sums accumulated in double, host and device:
//   RMSNorm:   y = x / sqrt(mean(x^2) + eps) * weight
//   LayerNorm: y = (x - mean) / sqrt(var + eps) * weight + bias, var biased.
// x and y may be the same row.

#include <cmath>

#include "theory/host_device.h"

namespace hopelab {

// x, y: (width); weight: (width).
HOPELAB_HD inline void rms_norm_row(const float* x, int width, const float* weight, double eps, float* y) {
  double squares = 0.0;
  for (int j = 0; j < width; ++j) squares += static_cast<double>(x[j]) * x[j];
  const auto inv = static_cast<float>(1.0 / ::sqrt(squares / width + eps));  // 1 / sqrt(mean(x^2) + eps)
  for (int j = 0; j < width; ++j) y[j] = x[j] * inv * weight[j];
}

// x, y: (width); weight, bias: (width).
HOPELAB_HD inline void layer_norm_row(const float* x, int width, const float* weight, const float* bias, double eps,
                                      float* y) {
  double sum = 0.0;
  for (int j = 0; j < width; ++j) sum += x[j];
  const double mean = sum / width;
  double squares = 0.0;
  for (int j = 0; j < width; ++j) squares += (x[j] - mean) * (x[j] - mean);
  const double inv = 1.0 / ::sqrt(squares / width + eps);  // 1 / sqrt(var + eps), var biased
  for (int j = 0; j < width; ++j) y[j] = static_cast<float>((x[j] - mean) * inv) * weight[j] + bias[j];
}

}  // namespace hopelab
