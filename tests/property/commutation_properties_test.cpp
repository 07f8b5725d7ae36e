// Property test of the N-dimensional RoPE blueprint (arXiv 2504.06308): an N-D RoPE
// R(p) = exp(sum_a p_a B_a) is relative, R(a)^T R(b) = R(b - a), and reversible iff its
// generators B_a commute. Every allocation hopelab builds rotates each pair by one axis (or not at
// all), so its generators are block-diagonal in the same 2x2 blocks and commute: the identity
// must hold for every method, MHRoPE head and custom allocation, at any 3-D positions. Checked on
// whole d x d matrices (columns R(p) e_j from kernels/rotary.h), so that no block structure is
// assumed; d <= 64 keeps the d^3 product cheap.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <limits>
#include <vector>

#include "generators.h"
#include "kernels/rotary.h"
#include "theory/preference.h"
#include "theory/spectrum.h"

namespace hopelab {
namespace {

using LD = long double;
constexpr double kU = std::numeric_limits<double>::epsilon() / 2.0;  // unit roundoff of double

// R(p) as a d x d row-major matrix: column j is rotate_pairs(e_j). (d * d)
std::vector<double> rotation_matrix(const Method& method, const Position3& p) {
  const int d = method.spectrum.head_dim;
  std::vector<double> angles(static_cast<size_t>(d / 2));
  for (int i = 0; i < d / 2; ++i) {
    const auto k = static_cast<size_t>(i);
    angles[k] = pair_angle(axis_component(p, method.allocation.axis[k]),
                           rope_frequency(i, d, method.spectrum.base), method.allocation.zero[k] != 0);
  }
  std::vector<double> m(static_cast<size_t>(d * d)), e(static_cast<size_t>(d)), col(static_cast<size_t>(d));
  for (int j = 0; j < d; ++j) {
    std::fill(e.begin(), e.end(), 0.0);
    e[static_cast<size_t>(j)] = 1.0;
    rotate_pairs(e.data(), angles.data(), d, method.allocation.layout, col.data());
    for (int r = 0; r < d; ++r) m[static_cast<size_t>(r * d + j)] = col[static_cast<size_t>(r)];
  }
  return m;
}

// Tolerance for the entries of pair i's block. Both sides rotate by angles made from the same
// computed theta_i, so in exact arithmetic phi(b) - phi(a) = phi(b - a); the computed angles differ
// from theirs by the products' roundings, u |a| theta + u |b| theta, and fl(b - a) and its product
// add 2u |b - a| theta: dphi <= u theta (|a| + |b| + 2 |b - a|) (1 + 2u). cos and sin are within
// 1 ulp <= 2u (|value| <= 1); an entry c_a c_b + s_a s_b of R(a)^T R(b) (products and sum in long
// double, 2^-63 relative) is then within 4 * 2u of cos(phi_b - phi_a), and R(b - a)'s entry within
// 2u of cos(phi(b - a)); |d cos| <= dphi. Total: dphi + 10u (+ 2^-60 for long double).
LD block_tolerance(const Method& method, int pair, const Position3& a, const Position3& b) {
  const auto k = static_cast<size_t>(pair);
  if (method.allocation.zero[k]) return 0;  // both sides are the identity block, exactly
  const Axis axis = method.allocation.axis[k];
  const LD theta = rope_frequency(pair, method.spectrum.head_dim, method.spectrum.base);
  const LD pa = std::fabs(axis_component(a, axis)), pb = std::fabs(axis_component(b, axis));
  const LD diff = std::fabs(static_cast<LD>(axis_component(b, axis)) - axis_component(a, axis));
  return kU * theta * (pa + pb + 2 * diff) * (1 + 2 * kU) + 10 * kU + std::ldexp(1.0L, -60);
}

RC_GTEST_PROP(Commutation, RotationsAreRelativeForEveryAllocation, ()) {
  const property::MethodCase c = *property::gen_method(32);
  const Method method = c.make();
  const int d = method.spectrum.head_dim;
  const Position3 a = *property::gen_offset(7), b = *property::gen_offset(7);
  const Position3 ba{b.t - a.t, b.h - a.h, b.w - a.w};
  const std::vector<double> ra = rotation_matrix(method, a), rb = rotation_matrix(method, b);
  const std::vector<double> rba = rotation_matrix(method, ba);
  // Which pair each dimension belongs to: entries outside a pair's block must be 0 on both sides.
  std::vector<int> pair_of(static_cast<size_t>(d));
  for (int i = 0; i < d / 2; ++i) {
    const PairDims p = pair_dimensions(i, d, method.allocation.layout);
    pair_of[static_cast<size_t>(p.first)] = pair_of[static_cast<size_t>(p.second)] = i;
  }
  for (int r = 0; r < d; ++r) {
    for (int col = 0; col < d; ++col) {
      LD product = 0;  // (R(a)^T R(b))[r][col] = sum_k R(a)[k][r] R(b)[k][col]
      for (int k = 0; k < d; ++k) {
        product += static_cast<LD>(ra[static_cast<size_t>(k * d + r)]) * rb[static_cast<size_t>(k * d + col)];
      }
      const LD want = rba[static_cast<size_t>(r * d + col)];
      const int pr = pair_of[static_cast<size_t>(r)], pc = pair_of[static_cast<size_t>(col)];
      const LD tol = pr == pc ? block_tolerance(method, pr, a, b) : 0;
      if (std::fabs(product - want) > tol) {
        RC_FAIL("entry (" + std::to_string(r) + ", " + std::to_string(col) + "): R(a)^T R(b) = " +
                std::to_string(static_cast<double>(product)) + ", R(b - a) = " + std::to_string(static_cast<double>(want)) +
                ", tolerance " + std::to_string(static_cast<double>(tol)));
      }
    }
  }
  RC_TAG(c.name);
}

// The twin: generators that do not commute break the identity. R(t, h) = Rx(h) Rz(t), a 3-D
// rotation whose t and h generators act on overlapping planes: with a = (1, 0), b = (1, 1),
// R(a)^T R(b) = Rz(1)^T Rx(1) Rz(1), not R(b - a) = Rx(1), by far more than the tolerance above.
TEST(Commutation, NonCommutingGeneratorsAreNotRelative) {
  const auto product3 = [](const std::vector<double>& x, const std::vector<double>& y, bool transpose_x) {
    std::vector<double> out(9, 0.0);
    for (int r = 0; r < 3; ++r)
      for (int c = 0; c < 3; ++c)
        for (int k = 0; k < 3; ++k)
          out[static_cast<size_t>(3 * r + c)] +=
              x[static_cast<size_t>(transpose_x ? 3 * k + r : 3 * r + k)] * y[static_cast<size_t>(3 * k + c)];
    return out;
  };
  const auto rotation = [&](double t, double h) {  // Rx(h) Rz(t), row-major
    const std::vector<double> z = {std::cos(t), -std::sin(t), 0, std::sin(t), std::cos(t), 0, 0, 0, 1};
    const std::vector<double> x = {1, 0, 0, 0, std::cos(h), -std::sin(h), 0, std::sin(h), std::cos(h)};
    return product3(x, z, false);
  };
  const std::vector<double> relative = product3(rotation(1.0, 0.0), rotation(1.0, 1.0), true);
  const std::vector<double> want = rotation(0.0, 1.0);
  double worst = 0;
  for (size_t k = 0; k < 9; ++k) worst = std::max(worst, std::fabs(relative[k] - want[k]));
  EXPECT_GT(worst, 0.1);
}

}  // namespace
}  // namespace hopelab
