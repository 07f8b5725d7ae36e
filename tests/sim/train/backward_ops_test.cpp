// The backward ops (sim/train/backward_ops.h) against central differences of their forward
// written here in long double, within float32 bounds derived per element (gradient_check.h);
// each with a twin that a plausible bug produces and the comparison must reject.

#include "sim/train/backward_ops.h"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "gradient_check.h"

namespace hopelab {
namespace {

using namespace train_test;  // gradient_check.h: numeric_gradient, compare, float_bounds, ...

constexpr LD kFdFloor = 1e-12L;  // the difference quotient's own error (gradient_check.h), far below

Vec with_floor(Vec tol) {
  for (LD& t : tol) t += kFdFloor;
  return tol;
}

TEST(LinearBackward, InputWeightAndBiasGradientsMatchDifferences) {
  const int rows = 5, in = 7, out = 6;
  const std::vector<float> x = randoms(rows * in, 1), w = randoms(out * in, 2), b = randoms(out, 3);
  const std::vector<float> dy = randoms(rows * out, 4);
  std::vector<float> dx(rows * in), dw(out * in), db(out);
  const LinearWeights lw{w.data(), b.data(), out, in};
  linear_backward(x.data(), dy.data(), rows, lw, LinearGradient{dw.data(), db.data(), out, in}, dx.data());

  const auto forward = [&](const Vec& xs, const Vec& ws, const Vec& bs) {  // y = x W^T + b
    Vec y(rows * out);
    for (int r = 0; r < rows; ++r)
      for (int o = 0; o < out; ++o) {
        LD s = bs[o];
        for (int i = 0; i < in; ++i) s += xs[r * in + i] * ws[o * in + i];
        y[r * out + o] = s;
      }
    return y;
  };
  const Vec X = widen(x), W = widen(w), B = widen(b), R = widen(dy);
  const Vec gx = numeric_gradient([&](const Vec& v) { return forward(v, W, B); }, X, R);
  const Vec gw = numeric_gradient([&](const Vec& v) { return forward(X, v, B); }, W, R);
  const Vec gb = numeric_gradient([&](const Vec& v) { return forward(X, W, v); }, B, R);
  // dx_ri = sum_o dy_ro W_oi: out products; dW_oi = sum_r dy_ro x_ri: rows products; db: rows terms.
  Vec mx(rows * in), mw(out * in), mb(out);
  for (int r = 0; r < rows; ++r)
    for (int o = 0; o < out; ++o) {
      mb[o] += std::fabs(R[r * out + o]);
      for (int i = 0; i < in; ++i) {
        mx[r * in + i] += std::fabs(R[r * out + o] * W[o * in + i]);
        mw[o * in + i] += std::fabs(R[r * out + o] * X[r * in + i]);
      }
    }
  const auto wx = compare(gx, dx, with_floor(float_bounds(out + 1, mx)));
  const auto ww = compare(gw, dw, with_floor(float_bounds(rows + 1, mw)));
  const auto wb = compare(gb, db, with_floor(float_bounds(rows + 1, mb)));
  EXPECT_TRUE(wx.ok()) << "dx: " << wx.message();
  EXPECT_TRUE(ww.ok()) << "dW: " << ww.message();
  EXPECT_TRUE(wb.ok()) << "db: " << wb.message();

  // Twin: dW without the transpose's row order (dy^T x read as x^T dy's layout) must fail.
  std::vector<float> wrong(out * in);
  for (int o = 0; o < out; ++o)
    for (int i = 0; i < in; ++i) wrong[o * in + i] = dw[((o + 1) % out) * in + i];
  EXPECT_FALSE(compare(gw, wrong, with_floor(float_bounds(rows + 1, mw))).ok());
}

// dW and db add into their buffers (a weight used twice in one step, as a vision block over
// several grids, sums both uses): from a nonzero start p they must hold p + the gradient.
// Each element is then a sum of the same terms plus p: bound of rows + 2 terms over |p| + the
// terms' magnitudes.
TEST(LinearBackward, WeightAndBiasGradientsAddIntoTheirBuffers) {
  const int rows = 5, in = 7, out = 6;
  const std::vector<float> x = randoms(rows * in, 11), w = randoms(out * in, 12);
  const std::vector<float> dy = randoms(rows * out, 14);
  std::vector<float> dw = randoms(out * in, 15, 4.0), db = randoms(out, 16, 4.0);  // the start p
  const Vec P_w = widen(dw), P_b = widen(db);
  const LinearWeights lw{w.data(), nullptr, out, in};
  linear_backward(x.data(), dy.data(), rows, lw, LinearGradient{dw.data(), db.data(), out, in}, nullptr);
  // Expected p + sum_r dy_ro x_ri and p + sum_r dy_ro, in long double from the definition.
  Vec gw(P_w), gb(P_b), mw(out * in), mb(out);
  for (int o = 0; o < out; ++o) {
    mb[o] = std::fabs(P_b[o]);
    for (int i = 0; i < in; ++i) mw[o * in + i] = std::fabs(P_w[o * in + i]);
  }
  for (int r = 0; r < rows; ++r)
    for (int o = 0; o < out; ++o) {
      const LD g = dy[r * out + o];
      gb[o] += g;
      mb[o] += std::fabs(g);
      for (int i = 0; i < in; ++i) {
        gw[o * in + i] += g * x[r * in + i];
        mw[o * in + i] += std::fabs(g * x[r * in + i]);
      }
    }
  const auto ww = compare(gw, dw, float_bounds(rows + 2, mw));
  const auto wb = compare(gb, db, float_bounds(rows + 2, mb));
  EXPECT_TRUE(ww.ok()) << "dW: " << ww.message();
  EXPECT_TRUE(wb.ok()) << "db: " << wb.message();
  // Twin: the gradient alone (the start overwritten) must fail.
  Vec alone_w(gw), alone_b(gb);
  for (std::size_t k = 0; k < alone_w.size(); ++k) alone_w[k] -= P_w[k];
  for (std::size_t k = 0; k < alone_b.size(); ++k) alone_b[k] -= P_b[k];
  EXPECT_FALSE(compare(alone_w, dw, float_bounds(rows + 2, mw)).ok());
  EXPECT_FALSE(compare(alone_b, db, float_bounds(rows + 2, mb)).ok());
}

// RMSNorm and LayerNorm rows in long double.
Vec rms_rows(const Vec& x, const Vec& w, int rows, int width, LD eps) {
  Vec y(x.size());
  for (int r = 0; r < rows; ++r) {
    LD sq = 0;
    for (int j = 0; j < width; ++j) sq += x[r * width + j] * x[r * width + j];
    const LD inv = 1 / std::sqrt(sq / width + eps);
    for (int j = 0; j < width; ++j) y[r * width + j] = x[r * width + j] * inv * w[j];
  }
  return y;
}

Vec layer_rows(const Vec& x, const Vec& w, const Vec& b, int rows, int width, LD eps) {
  Vec y(x.size());
  for (int r = 0; r < rows; ++r) {
    LD mean = 0, var = 0;
    for (int j = 0; j < width; ++j) mean += x[r * width + j] / width;
    for (int j = 0; j < width; ++j) var += (x[r * width + j] - mean) * (x[r * width + j] - mean) / width;
    const LD inv = 1 / std::sqrt(var + eps);
    for (int j = 0; j < width; ++j) y[r * width + j] = (x[r * width + j] - mean) * inv * w[j] + b[j];
  }
  return y;
}

// Per-element magnitude of the norms' backward terms: the input gradient is r g - (terms of the
// row's sums) with |each| <= r |g_j| + r (|xhat_j| + 1) mean|g|, rounded a few times in float.
Vec norm_magnitudes(const Vec& x, const Vec& dy, const Vec& w, int rows, int width, LD eps) {
  Vec m(x.size());
  for (int r = 0; r < rows; ++r) {
    LD sq = 0, g_abs = 0;
    for (int j = 0; j < width; ++j) {
      sq += x[r * width + j] * x[r * width + j];
      g_abs += std::fabs(dy[r * width + j] * w[j]) / width;
    }
    const LD rr = 1 / std::sqrt(sq / width + eps);
    for (int j = 0; j < width; ++j) {
      m[r * width + j] = rr * std::fabs(dy[r * width + j] * w[j]) + rr * (std::fabs(x[r * width + j]) * rr + 1) * g_abs;
    }
  }
  return m;
}

TEST(NormBackward, RmsNormMatchesDifferences) {
  const int rows = 4, width = 9;
  const double eps = 1e-6;
  const std::vector<float> x = randoms(rows * width, 5), w = randoms(width, 6, 0.1, 1.0), dy = randoms(rows * width, 7);
  std::vector<float> dx(rows * width), dw(width);
  rms_norm_backward(x.data(), dy.data(), rows, width, w.data(), eps, dx.data(), dw.data());
  const Vec X = widen(x), W = widen(w), R = widen(dy);
  const Vec gx = numeric_gradient([&](const Vec& v) { return rms_rows(v, W, rows, width, eps); }, X, R);
  const Vec gw = numeric_gradient([&](const Vec& v) { return rms_rows(X, v, rows, width, eps); }, W, R);
  // Sums in double; the float steps: one rounding of each product and of the result (8 u covers
  // them and the float inputs' widening-free products).
  const auto wx = compare(gx, dx, with_floor(float_bounds(8, norm_magnitudes(X, R, W, rows, width, eps))));
  Vec mw(width);
  for (int r = 0; r < rows; ++r)
    for (int j = 0; j < width; ++j) mw[j] += std::fabs(gw[j]) + std::fabs(R[r * width + j] * X[r * width + j]) * 4;
  const auto ww = compare(gw, dw, with_floor(float_bounds(8, mw)));
  EXPECT_TRUE(wx.ok()) << "dx: " << wx.message();
  EXPECT_TRUE(ww.ok()) << "dweight: " << ww.message();
  // Twin: dropping the normaliser's own gradient (dx = r g) must fail.
  std::vector<float> wrong(rows * width);
  for (int r = 0; r < rows; ++r) {
    LD sq = 0;
    for (int j = 0; j < width; ++j) sq += X[r * width + j] * X[r * width + j];
    for (int j = 0; j < width; ++j) wrong[r * width + j] = static_cast<float>(R[r * width + j] * W[j] / std::sqrt(sq / width + eps));
  }
  EXPECT_FALSE(compare(gx, wrong, with_floor(float_bounds(8, norm_magnitudes(X, R, W, rows, width, eps)))).ok());
}

TEST(NormBackward, LayerNormMatchesDifferences) {
  const int rows = 4, width = 9;
  const double eps = 1e-6;
  const std::vector<float> x = randoms(rows * width, 8, 1.0, 0.5), w = randoms(width, 9, 0.1, 1.0);
  const std::vector<float> b = randoms(width, 10, 0.1), dy = randoms(rows * width, 11);
  std::vector<float> dx(rows * width), dw(width), db(width);
  layer_norm_backward(x.data(), dy.data(), rows, width, w.data(), eps, dx.data(), dw.data(), db.data());
  const Vec X = widen(x), W = widen(w), B = widen(b), R = widen(dy);
  const Vec gx = numeric_gradient([&](const Vec& v) { return layer_rows(v, W, B, rows, width, eps); }, X, R);
  const Vec gw = numeric_gradient([&](const Vec& v) { return layer_rows(X, v, B, rows, width, eps); }, W, R);
  const Vec gb = numeric_gradient([&](const Vec& v) { return layer_rows(X, W, v, rows, width, eps); }, B, R);
  Vec centred = X;  // the magnitudes of LayerNorm are RMSNorm's of the centred row
  for (int r = 0; r < rows; ++r) {
    LD mean = 0;
    for (int j = 0; j < width; ++j) mean += X[r * width + j] / width;
    for (int j = 0; j < width; ++j) centred[r * width + j] -= mean;
  }
  const Vec mx = norm_magnitudes(centred, R, W, rows, width, eps);
  Vec mw(width), mb(width);
  for (int r = 0; r < rows; ++r)
    for (int j = 0; j < width; ++j) {
      mw[j] += 4 * std::fabs(R[r * width + j]) * (std::fabs(centred[r * width + j]) + 1) * 4;
      mb[j] += std::fabs(R[r * width + j]);
    }
  const auto wx = compare(gx, dx, with_floor(float_bounds(16, mx)));
  const auto ww = compare(gw, dw, with_floor(float_bounds(8, mw)));
  const auto wb = compare(gb, db, with_floor(float_bounds(2, mb)));
  EXPECT_TRUE(wx.ok()) << "dx: " << wx.message();
  EXPECT_TRUE(ww.ok()) << "dweight: " << ww.message();
  EXPECT_TRUE(wb.ok()) << "dbias: " << wb.message();
  // Twin: the mean's gradient forgotten (RMSNorm's backward on a centred row) must fail.
  std::vector<float> wrong(rows * width), dw_unused(width);
  std::vector<float> centred_f(centred.begin(), centred.end());
  rms_norm_backward(centred_f.data(), dy.data(), rows, width, w.data(), eps, wrong.data(), dw_unused.data());
  EXPECT_FALSE(compare(gx, wrong, with_floor(float_bounds(16, mx))).ok());
}

// f and the backward of one activation over a grid of inputs; magnitude |dy| (1 + 2 |x|).
template <class Backward, class Forward>
void check_activation(Backward backward, Forward f, const char* name) {
  std::vector<float> x;
  for (int i = 0; i <= 80; ++i) x.push_back(static_cast<float>(-8.0 + 0.2 * i));
  const std::vector<float> dy = randoms(x.size(), 12);
  std::vector<float> dx(x.size());
  backward(x.data(), dy.data(), static_cast<std::int64_t>(x.size()), dx.data(), GradientWrite::add);
  const Vec X = widen(x), R = widen(dy);
  const Vec g = numeric_gradient(
      [&](const Vec& v) {
        Vec y(v.size());
        for (std::size_t i = 0; i < v.size(); ++i) y[i] = f(v[i]);
        return y;
      },
      X, R);
  Vec m(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) m[i] = std::fabs(R[i]) * (1 + 2 * std::fabs(X[i]));
  // exp (kernels/fast_exp.h, 3 ulp) / erff (1-2 ulp), the sigmoid's division, products: 16 u
  // relative on these terms.
  const auto worst = compare(g, dx, with_floor(float_bounds(16, m)));
  EXPECT_TRUE(worst.ok()) << name << ": " << worst.message();
  // Twin: the derivative without the product rule's second term (f(x)/x) must fail.
  std::vector<float> wrong(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) wrong[i] = static_cast<float>(R[i] * (X[i] != 0 ? f(X[i]) / X[i] : 0.5L));
  EXPECT_FALSE(compare(g, wrong, with_floor(float_bounds(16, m))).ok()) << name;
}

LD sigmoid(LD z) { return 1 / (1 + std::exp(-z)); }

TEST(ActivationBackward, QuickGeluGeluAndSiluMatchDifferences) {
  check_activation(quick_gelu_backward, [](LD v) { return v * sigmoid(1.702L * v); }, "QuickGELU");
  check_activation(gelu_backward, [](LD v) { return v * (1 + std::erf(v / std::sqrt(2.0L))) / 2; }, "GELU");
  check_activation(
      [](const float* x, const float* dy, std::int64_t n, float* dx, GradientWrite write) {
        std::vector<float> ones(static_cast<std::size_t>(n), 1.0f), dup(static_cast<std::size_t>(n));
        silu_mul_backward(x, ones.data(), dy, n, dx, dup.data(), write);
      },
      [](LD v) { return v * sigmoid(v); }, "SiLU");
}

TEST(ActivationBackward, SiluMulUpGradientIsSilu) {
  const int n = 40;
  const std::vector<float> gate = randoms(n, 13, 3.0), up = randoms(n, 14), dy = randoms(n, 15);
  std::vector<float> dgate(n), dup(n);
  silu_mul_backward(gate.data(), up.data(), dy.data(), n, dgate.data(), dup.data());
  const Vec G = widen(gate), U = widen(up), R = widen(dy);
  const Vec gu = numeric_gradient(
      [&](const Vec& v) {
        Vec y(n);
        for (int i = 0; i < n; ++i) y[i] = G[i] * sigmoid(G[i]) * v[i];
        return y;
      },
      U, R);
  Vec m(n);
  for (int i = 0; i < n; ++i) m[i] = std::fabs(R[i] * G[i]);
  const auto worst = compare(gu, dup, with_floor(float_bounds(8, m)));
  EXPECT_TRUE(worst.ok()) << worst.message();
}

// run(dx, write) computes one backward's input gradient into dx (n values). Under assign the
// buffer's old values (NaN here, as an undefined buffer may hold) are never read and the result
// is add-into-zeros' bit for bit; under add it is added onto what the buffer holds (here 1),
// within 2^-23 (1 + |value|): a fused multiply-add rounds once where * and + round twice.
template <class Run>
void expect_assign_and_add(std::size_t n, const Run& run, const char* name) {
  std::vector<float> into_zeros(n, 0.0f), assigned(n, std::nanf("")), onto_ones(n, 1.0f);
  run(into_zeros.data(), GradientWrite::add);
  run(assigned.data(), GradientWrite::assign);
  run(onto_ones.data(), GradientWrite::add);
  std::size_t differing = 0, not_added = 0, zero = 0;
  for (std::size_t i = 0; i < n; ++i) {
    differing += std::memcmp(&assigned[i], &into_zeros[i], sizeof(float)) != 0;
    const float sum = 1.0f + into_zeros[i];
    not_added += !(std::fabs(onto_ones[i] - sum) <= std::ldexp(1.0f + std::fabs(into_zeros[i]), -23));
    zero += into_zeros[i] == 0.0f;
  }
  EXPECT_EQ(differing, 0u) << name << ": assign differs from add into zeros";
  EXPECT_EQ(not_added, 0u) << name << ": add did not add onto the buffer";
  EXPECT_LT(zero, n / 10) << name << ": the gradient is mostly zero, the comparison says little";
}

TEST(GradientWrite, AssignWritesWhatAddPutsIntoZeros) {
  const int rows = 130, in = 70, out = 40;  // several 64-row and 64-column tiles, ragged edges
  const std::vector<float> x = randoms(rows * in, 21), w = randoms(out * in, 22), b = randoms(out, 23);
  const std::vector<float> dy = randoms(rows * out, 24), dx_in = randoms(rows * in, 25, 2.0);
  const LinearWeights lw{w.data(), b.data(), out, in};
  expect_assign_and_add(rows * in, [&](float* dx, GradientWrite write) {
    std::vector<float> dw(out * in), db(out);
    linear_backward(x.data(), dy.data(), rows, lw, LinearGradient{dw.data(), db.data(), out, in}, dx, write);
  }, "linear");
  const std::vector<float> nw = randoms(in, 26, 0.1, 1.0);
  expect_assign_and_add(rows * in, [&](float* dx, GradientWrite write) {
    std::vector<float> dw(in), db(in);
    layer_norm_backward(x.data(), dx_in.data(), rows, in, nw.data(), 1e-6, dx, dw.data(), db.data(), write);
  }, "layer norm");
  const auto n = static_cast<std::int64_t>(x.size());
  expect_assign_and_add(x.size(), [&](float* dx, GradientWrite write) {
    quick_gelu_backward(x.data(), dx_in.data(), n, dx, write);
  }, "QuickGELU");
  expect_assign_and_add(x.size(), [&](float* dx, GradientWrite write) {
    gelu_backward(x.data(), dx_in.data(), n, dx, write);
  }, "GELU");
  const std::vector<float> up = randoms(x.size(), 27);
  expect_assign_and_add(2 * x.size(), [&](float* d, GradientWrite write) {  // d: dgate then dup
    silu_mul_backward(x.data(), up.data(), dx_in.data(), n, d, d + n, write);
  }, "SiLU-mul");
}

// A backward that ignores `write` (always adds: it reads the undefined buffer) must fail.
void always_add_quick_gelu(float* dx, GradientWrite /*write*/) {
  static const std::vector<float> x = randoms(300, 28), dy = randoms(300, 29);
  quick_gelu_backward(x.data(), dy.data(), 300, dx, GradientWrite::add);
}

TEST(GradientWrite, TwinABackwardThatReadsTheBufferUnderAssignFails) {
  EXPECT_NONFATAL_FAILURE(expect_assign_and_add(300, always_add_quick_gelu, "twin"), "assign differs");
}

TEST(RotateBackward, IsTheTransposeRotation) {
  const int rows = 3, heads = 2, d = 8, stride = 20;
  for (PairLayout layout : {PairLayout::halves, PairLayout::adjacent}) {
    const std::vector<float> angles = randoms(rows * d / 2, 16, 3.0), dy = randoms(rows * stride, 17);
    std::vector<float> dx = dy;
    rotate_backward(angles.data(), rows, heads, d, layout, dx.data(), stride);
    const Vec X = widen(randoms(rows * stride, 18)), R = widen(dy);
    const Vec g = numeric_gradient(
        [&](const Vec& v) {  // y = R(phi) x on the heads' columns, identity elsewhere
          Vec y = v;
          for (int r = 0; r < rows; ++r)
            for (int h = 0; h < heads; ++h)
              for (int i = 0; i < d / 2; ++i) {
                const PairDims p = pair_dimensions(i, d, layout);
                const LD phi = angles[r * d / 2 + i], c = std::cos(phi), s = std::sin(phi);
                const LD a = v[r * stride + h * d + p.first], b = v[r * stride + h * d + p.second];
                y[r * stride + h * d + p.first] = a * c - b * s;
                y[r * stride + h * d + p.second] = a * s + b * c;
              }
          return y;
        },
        X, R);
    Vec m(R.size());  // a rotated operand: 2 pi + 3 units (kernels/float_error.h), on |a| + |b|
    for (int r = 0; r < rows; ++r)
      for (int j = 0; j < stride; ++j) {
        const int col = j % d, partner = col < d / 2 ? col + d / 2 : col - d / 2;
        const int mate = layout == PairLayout::halves ? partner : (col ^ 1);
        m[r * stride + j] = std::fabs(R[r * stride + j]) + (j < heads * d ? std::fabs(R[r * stride + j - col + mate]) : 0);
      }
    const auto worst = compare(g, dx, with_floor(float_bounds(10, m)));
    EXPECT_TRUE(worst.ok()) << worst.message();
    // Twin: rotating the gradient forward, R(phi) dy, instead of back must fail.
    std::vector<float> wrong = dy;
    std::vector<float> twice = angles;
    for (float& a : twice) a = -a;
    rotate_backward(twice.data(), rows, heads, d, layout, wrong.data(), stride);
    EXPECT_FALSE(compare(g, wrong, with_floor(float_bounds(10, m))).ok());
  }
}

TEST(GatherRowsBackward, AddsEachRowIntoItsTableRow) {
  const int width = 3;
  const std::vector<std::int64_t> ids = {2, 0, 2};
  const std::vector<float> dout = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  std::vector<float> table(4 * width, 0.5f);
  gather_rows_backward(dout.data(), ids, width, table.data());
  const std::vector<float> want = {4.5f, 5.5f, 6.5f, 0.5f, 0.5f, 0.5f, 8.5f, 10.5f, 12.5f, 0.5f, 0.5f, 0.5f};
  EXPECT_EQ(table, want);  // exact: sums of small integers and halves
}

}  // namespace
}  // namespace hopelab
