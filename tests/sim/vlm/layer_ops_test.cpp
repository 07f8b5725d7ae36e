// Norms, activations and Linear (sim/vlm/layer_ops.h) against their formulas in long double.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "sim/vlm/layer_ops.h"
#include "vlm_fixture.h"

namespace hopelab {
namespace {

using vlm_test::normal;
using LD = long double;

constexpr double kU = std::numeric_limits<float>::epsilon() / 2;  // 2^-24

std::vector<float> randoms(std::int64_t n, std::uint32_t stream, double scale, double shift = 0.0) {
  std::vector<float> v;
  for (std::int64_t i = 0; i < n; ++i) v.push_back(static_cast<float>(shift + scale * normal(7, stream, static_cast<std::uint64_t>(i))));
  return v;
}

std::vector<float> grid(double lo, double hi, int n) {
  std::vector<float> v;
  for (int i = 0; i < n; ++i) v.push_back(static_cast<float>(lo + (hi - lo) * i / (n - 1)));
  return v;
}

TEST(LayerOps, ActivationsMatchLongDoubleFormulas) {
  for (float x : grid(-20.0, 20.0, 4001)) {
    const LD X = x;
    const LD silu_ref = X / (1.0L + expl(-X));
    const LD quick_ref = X / (1.0L + expl(-1.702L * X));
    const LD gelu_ref = 0.5L * X * (1.0L + erfl(X / sqrtl(2.0L)));
    // SiLU: expf within 1 ulp, 1 + e and the division one rounding each: 4u |f|.
    const double tol_silu = 4 * kU * std::fabs(static_cast<double>(silu_ref)) + 1e-45;
    // QuickGELU: 1.702f and the product 1.702 x carry 2u relative, which exp turns into an
    // absolute argument error 2u |1.702 x|: relative error (4 + 2 |1.702 x|) u.
    const double tol_quick = (4 + 2 * std::fabs(1.702 * x)) * kU * std::fabs(static_cast<double>(quick_ref)) + 1e-45;
    // GELU: x / sqrt 2 rounds twice (2u relative), moving erf by 2u |x/sqrt2| erf'(.) <= 2u |x|;
    // erff 1 ulp, 1 + erf, the halving and the product: |x| (2u |x| + 4u) absolute.
    const double tol_gelu = std::fabs(x) * kU * (2 * std::fabs(x) + 4) + 1e-45;
    ASSERT_LE(std::fabs(silu(x) - static_cast<double>(silu_ref)), tol_silu) << "SiLU(" << x << "): expected "
        << static_cast<double>(silu_ref) << ", actual " << silu(x) << ", tolerance " << tol_silu;
    ASSERT_LE(std::fabs(quick_gelu(x) - static_cast<double>(quick_ref)), tol_quick) << "QuickGELU(" << x << "): expected "
        << static_cast<double>(quick_ref) << ", actual " << quick_gelu(x) << ", tolerance " << tol_quick;
    ASSERT_LE(std::fabs(gelu(x) - static_cast<double>(gelu_ref)), tol_gelu) << "GELU(" << x << "): expected "
        << static_cast<double>(gelu_ref) << ", actual " << gelu(x) << ", tolerance " << tol_gelu;
  }
}

TEST(LayerOps, RmsNormMatchesLongDouble) {
  const int rows = 37, width = 96;
  const std::vector<float> x = randoms(rows * width, 1, 3.0, 0.5), w = randoms(width, 2, 0.3, 1.0);
  std::vector<float> y(x.size());
  rms_norm(x.data(), rows, width, w.data(), 1e-6, y.data());
  for (int r = 0; r < rows; ++r) {
    LD ms = 0;
    for (int j = 0; j < width; ++j) ms += static_cast<LD>(x[r * width + j]) * x[r * width + j];
    const LD inv = 1.0L / sqrtl(ms / width + 1e-6L);
    for (int j = 0; j < width; ++j) {
      const LD expected = x[r * width + j] * inv * w[j];
      // The scale in double rounded to float (u), then two float products (2u): 3u, plus slack u.
      const double tol = 4 * kU * std::fabs(static_cast<double>(expected));
      ASSERT_LE(std::fabs(y[r * width + j] - static_cast<double>(expected)), tol)
          << "row " << r << " col " << j << ": expected " << static_cast<double>(expected) << ", actual "
          << y[r * width + j] << ", tolerance " << tol;
    }
  }
}

TEST(LayerOps, LayerNormMatchesLongDouble) {
  const int rows = 29, width = 64;
  const std::vector<float> x = randoms(rows * width, 3, 2.0, 4.0), w = randoms(width, 4, 0.3, 1.0),
                           b = randoms(width, 5, 0.5);
  std::vector<float> y(x.size());
  layer_norm(x.data(), rows, width, w.data(), b.data(), 1e-6, y.data());
  for (int r = 0; r < rows; ++r) {
    LD mean = 0, var = 0;
    for (int j = 0; j < width; ++j) mean += x[r * width + j];
    mean /= width;
    for (int j = 0; j < width; ++j) var += (x[r * width + j] - mean) * (x[r * width + j] - mean);
    var /= width;
    for (int j = 0; j < width; ++j) {
      const LD a = (x[r * width + j] - mean) / sqrtl(var + 1e-6L) * w[j];
      const LD expected = a + b[j];
      // (x - mean) / sd in double rounded to float (u), times weight (u), plus bias (u): 3u on
      // the terms |a| and |y|; slack u.
      const double tol = 4 * kU * (std::fabs(static_cast<double>(a)) + std::fabs(static_cast<double>(expected)));
      ASSERT_LE(std::fabs(y[r * width + j] - static_cast<double>(expected)), tol)
          << "row " << r << " col " << j << ": expected " << static_cast<double>(expected) << ", actual "
          << y[r * width + j] << ", tolerance " << tol;
    }
  }
}

TEST(LayerOps, LinearMatchesLongDoubleAcrossTiles) {
  // 130 rows and 600 outputs cross the 64 x 512 tiles; also a single row (decode).
  for (int rows : {1, 130}) {
    const int in = 72, out = 600;
    const std::vector<float> x = randoms(rows * in, 6, 1.0), w = randoms(out * in, 7, 0.2), b = randoms(out, 8, 0.1);
    std::vector<float> y(static_cast<std::size_t>(rows * out));
    linear(x.data(), rows, LinearWeights{w.data(), b.data(), out, in}, y.data());
    for (int r = 0; r < rows; ++r) {
      for (int o = 0; o < out; ++o) {
        LD s = b[o], a = std::fabs(b[o]);
        for (int i = 0; i < in; ++i) {
          s += static_cast<LD>(x[r * in + i]) * w[o * in + i];
          a += fabsl(static_cast<LD>(x[r * in + i]) * w[o * in + i]);
        }
        // A float dot of in terms plus the bias: |error| <= (in + 1) u sum |x w| + |b| (Higham 3.1).
        const double tol = (in + 1) * kU * static_cast<double>(a);
        ASSERT_LE(std::fabs(y[r * out + o] - static_cast<double>(s)), tol)
            << "rows " << rows << ": row " << r << " out " << o << ": expected " << static_cast<double>(s)
            << ", actual " << y[r * out + o] << ", tolerance " << tol;
      }
    }
  }
}

}  // namespace
}  // namespace hopelab
