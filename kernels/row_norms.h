#pragma once
// The row normalisations of the Qwen2-VL architecture (docs/vlm.md), one row of `width` floats,
// sums accumulated in double, host and device:
//   RMSNorm:   y = x / sqrt(mean(x^2) + eps) * weight
//   LayerNorm: y = (x - mean) / sqrt(var + eps) * weight + bias, var biased.
// x and y may be the same row; dx of a backward must not alias x or dy.

#include <cmath>

#include "theory/host_device.h"

// A sum over a row's elements in any order (lanes, then lanes combined): the backward passes'
// sums vectorise on the host. The forward passes sum in index order.
#define HOPELAB_ROW_PRAGMA(x) _Pragma(#x)
#if defined(__CUDACC__)
#define HOPELAB_ROW_SUM(...)
#else
#define HOPELAB_ROW_SUM(...) HOPELAB_ROW_PRAGMA(omp simd reduction(+ : __VA_ARGS__))
#endif

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

// Backward passes of one row, sums in double (HOPELAB_ROW_SUM); they return what the caller
// needs for the weight gradients (dweight_j += dy_j xhat_j, dbias_j += dy_j, summed over rows
// in a fixed order).
// With g = dy * weight and r = 1 / sqrt(mean(x^2) + eps), RMSNorm's input gradient is
//   dx = r g - x r^3 mean(g x);
// returns r (xhat = x r).
HOPELAB_HD inline double rms_norm_row_backward(const float* x, const float* dy, int width, const float* weight,
                                               double eps, float* dx) {
  double squares = 0.0, gx = 0.0;
  HOPELAB_ROW_SUM(squares, gx)
  for (int j = 0; j < width; ++j) {
    squares += static_cast<double>(x[j]) * x[j];
    gx += static_cast<double>(dy[j]) * weight[j] * x[j];
  }
  const double r = 1.0 / ::sqrt(squares / width + eps);
  const double c = r * r * r * gx / width;  // r^3 mean(g x)
  for (int j = 0; j < width; ++j) dx[j] = static_cast<float>(r * dy[j] * weight[j] - c * x[j]);
  return r;
}

// With xhat = (x - mean) r, r = 1 / sqrt(var + eps), g = dy * weight, LayerNorm's input gradient
// is dx = r (g - mean(g) - xhat mean(g xhat)); returns mean and r through *mean_out, *r_out.
HOPELAB_HD inline void layer_norm_row_backward(const float* x, const float* dy, int width, const float* weight,
                                               double eps, float* dx, double* mean_out, double* r_out) {
  double sum = 0.0;
  HOPELAB_ROW_SUM(sum)
  for (int j = 0; j < width; ++j) sum += x[j];
  const double mean = sum / width;
  double squares = 0.0;
  HOPELAB_ROW_SUM(squares)
  for (int j = 0; j < width; ++j) squares += (x[j] - mean) * (x[j] - mean);
  const double r = 1.0 / ::sqrt(squares / width + eps);
  double g_sum = 0.0, g_xhat = 0.0;
  HOPELAB_ROW_SUM(g_sum, g_xhat)
  for (int j = 0; j < width; ++j) {
    const double g = static_cast<double>(dy[j]) * weight[j];
    g_sum += g;
    g_xhat += g * (x[j] - mean) * r;
  }
  const double g_mean = g_sum / width, gx_mean = g_xhat / width;
  for (int j = 0; j < width; ++j) {
    const double g = static_cast<double>(dy[j]) * weight[j];
    dx[j] = static_cast<float>(r * (g - g_mean - (x[j] - mean) * r * gx_mean));
  }
  *mean_out = mean;
  *r_out = r;
}

}  // namespace hopelab
