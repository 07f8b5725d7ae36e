// Property tests of the RoPE algebra of kernels/rotary.h in double: rotations keep norms, scores
// depend only on the position offset, R(0) = I, R(-m) = R(m)^T, and the two pair layouts agree
// up to their fixed permutation. Angles come from theory's pair_angle / rope_frequency for a
// generated method and position, as the engines compute them. Tolerances are Higham-style
// bounds in u = 2^-53, derived beside each assertion; norms and references in long double.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "kernels/rotary.h"
#include "generators.h"
#include "theory/preference.h"
#include "theory/spectrum.h"

namespace hopelab {
namespace {

using LD = long double;
constexpr LD kU = std::numeric_limits<double>::epsilon() / 2.0;  // unit roundoff of double

// gamma_n = n u / (1 - n u): Higham's bound on the relative error of an n-term sum.
LD gamma_n(int n) { return n * kU / (1 - n * kU); }

// A head vector: d components k / 2^16 with k uniform in [-2^20, 2^20] (|x_j| <= 16, exact).
rc::Gen<std::vector<double>> gen_vector(int head_dim) {
  return rc::gen::container<std::vector<double>>(
      static_cast<size_t>(head_dim),
      rc::gen::map(property::uniform(-(1 << 20), (1 << 20) + 1), [](int k) { return std::ldexp(k, -16); }));
}

// Pair angles of a token at `position`: phi_i = pair_angle(position_axis(i), theta_i, zero_i). (P)
std::vector<double> token_angles(const Method& method, const Position3& position) {
  std::vector<double> angles(static_cast<size_t>(method.spectrum.pairs()));
  for (int i = 0; i < method.spectrum.pairs(); ++i) {
    const auto k = static_cast<size_t>(i);
    const double theta = rope_frequency(i, method.spectrum.head_dim, method.spectrum.base);
    angles[k] = pair_angle(axis_component(position, method.allocation.axis[k]), theta, method.allocation.zero[k] != 0);
  }
  return angles;
}

std::vector<double> rotated(const std::vector<double>& x, const std::vector<double>& angles, PairLayout layout) {
  std::vector<double> out(x.size());
  rotate_pairs(x.data(), angles.data(), static_cast<int>(x.size()), layout, out.data());
  return out;
}

// Pair i's dimensions from the definitions: halves (i, i + d/2), adjacent (2i, 2i + 1).
struct Dims {
  size_t a, b;
};
Dims dims_of(int i, int d, PairLayout layout) {
  return layout == PairLayout::halves ? Dims{static_cast<size_t>(i), static_cast<size_t>(i + d / 2)}
                                      : Dims{static_cast<size_t>(2 * i), static_cast<size_t>(2 * i + 1)};
}

LD pair_norm(const std::vector<double>& x, Dims p) {
  return std::hypot(static_cast<LD>(x[p.a]), static_cast<LD>(x[p.b]));
}
LD pair_l1(const std::vector<double>& x, Dims p) {
  return std::fabs(static_cast<LD>(x[p.a])) + std::fabs(static_cast<LD>(x[p.b]));
}

// ||R(m) x|| = ||x||. Each output element is within 5u (|x_a| + |x_b|) of the exact rotation of x
// by the computed angle (cos, sin within 2u; two products, a sum, each u of a value <= |x_a| +
// |x_b|; 1u for second-order terms), so ||out - R x||_2 <= ||out - R x||_1 <= 10u ||x||_1, which
// bounds | ||out|| - ||x|| |. The norms are summed in long double (relative 2^-63 d, added).
RC_GTEST_PROP(RotaryAlgebra, RotationKeepsTheNorm, ()) {
  const property::MethodCase c = *property::gen_method();
  const Method method = c.make();
  const int d = method.spectrum.head_dim;
  const std::vector<double> x = *gen_vector(d);
  const Position3 position = *property::gen_offset(7);
  const std::vector<double> out = rotated(x, token_angles(method, position), method.allocation.layout);
  LD norm_x = 0, norm_out = 0, l1_x = 0;
  for (int j = 0; j < d; ++j) {
    norm_x += static_cast<LD>(x[static_cast<size_t>(j)]) * x[static_cast<size_t>(j)];
    norm_out += static_cast<LD>(out[static_cast<size_t>(j)]) * out[static_cast<size_t>(j)];
    l1_x += std::fabs(static_cast<LD>(x[static_cast<size_t>(j)]));
  }
  norm_x = std::sqrt(norm_x);
  norm_out = std::sqrt(norm_out);
  const LD tol = 10 * kU * l1_x + 2 * d * std::numeric_limits<LD>::epsilon() * norm_x;
  RC_ASSERT(std::fabs(norm_out - norm_x) <= tol);
}

// <R(m) q, R(n) k> depends only on n - m: the score at (m, n) and at (m + s, n + s) both lie
// within score_tolerance of the exact q^T R(n - m) k. Per pair i (q_i, k_i its 2-vectors):
//   angles: phi = fl(pos * fl(theta)) off by <= 3u |pos theta| (pow 2u, product u), and the shifted
//           position fl(m + s) one more u |m + s|: 4u (|m_a| + |n_a|) theta |q_i| |k_i|;
//   rotations: each rotated pair within 10u of the exact one, for q and k: 20u |q_i| |k_i|;
//   dot: gamma_d sum_i |q_i| |k_i| (Cauchy-Schwarz per pair).
LD score_tolerance(const Method& method, const std::vector<double>& q, const std::vector<double>& k,
                   const Position3& m, const Position3& n) {
  const int d = method.spectrum.head_dim;
  LD tol = 0;
  for (int i = 0; i < d / 2; ++i) {
    const auto ki = static_cast<size_t>(i);
    const Dims p = dims_of(i, d, method.allocation.layout);
    const LD theta = std::pow(static_cast<LD>(method.spectrum.base), -2.0L * i / d);
    const Axis a = method.allocation.axis[ki];
    const LD positions = std::fabs(static_cast<LD>(axis_component(m, a))) + std::fabs(static_cast<LD>(axis_component(n, a)));
    const LD phases = method.allocation.zero[ki] ? 0 : positions * theta;
    tol += pair_norm(q, p) * pair_norm(k, p) * (4 * kU * phases + 20 * kU + gamma_n(d));
  }
  return tol;
}

RC_GTEST_PROP(RotaryAlgebra, ScoreDependsOnlyOnTheOffset, ()) {
  const property::MethodCase c = *property::gen_method();
  const Method method = c.make();
  const int d = method.spectrum.head_dim;
  const std::vector<double> q = *gen_vector(d), k = *gen_vector(d);
  const Position3 m = *property::gen_offset(7), n = *property::gen_offset(7), s = *property::gen_offset(7);
  const Position3 ms{m.t + s.t, m.h + s.h, m.w + s.w}, ns{n.t + s.t, n.h + s.h, n.w + s.w};
  const auto score = [&](const Position3& from, const Position3& to) {
    const std::vector<double> rq = rotated(q, token_angles(method, from), method.allocation.layout);
    const std::vector<double> rk = rotated(k, token_angles(method, to), method.allocation.layout);
    return dot(rq.data(), rk.data(), d);
  };
  const double a = score(m, n), b = score(ms, ns);
  const LD tol = score_tolerance(method, q, k, m, n) + score_tolerance(method, q, k, ms, ns);
  RC_LOG() << "score " << a << ", shifted " << b << ", tolerance " << static_cast<double>(tol) << "\n";
  RC_ASSERT(std::fabs(static_cast<LD>(a) - b) <= tol);
}

// R(0) = I: every angle at position 0 is 0 * theta = 0 (or a zero pair's 0), cos 0 = 1 and
// sin 0 = 0 exactly, so x_a * 1 - x_b * 0 = x_a. Tolerance 0.
RC_GTEST_PROP(RotaryAlgebra, RotationAtPositionZeroIsTheIdentity, ()) {
  const property::MethodCase c = *property::gen_method();
  const Method method = c.make();
  const std::vector<double> x = *gen_vector(method.spectrum.head_dim);
  RC_ASSERT(rotated(x, token_angles(method, {0.0, 0.0, 0.0}), method.allocation.layout) == x);
}

// R(-m) = R(m)^T, i.e. <R(m) x, y> = <x, R(-m) y>. The angles at -m are exactly the negated ones
// (fl(-a * theta) = -fl(a * theta)) and libm's cos is even and sin odd, so both sides evaluate the
// same bilinear form with the same c_i, s_i; each side errs by <= (3u + gamma_d) sum over pairs of
// (|x_a| + |x_b|)(|y_a| + |y_b|) (each rotated element within 3u (|v_a| + |v_b|), then the dot).
RC_GTEST_PROP(RotaryAlgebra, InverseRotationIsTheTranspose, ()) {
  const property::MethodCase c = *property::gen_method();
  const Method method = c.make();
  const int d = method.spectrum.head_dim;
  const std::vector<double> x = *gen_vector(d), y = *gen_vector(d);
  const Position3 m = *property::gen_offset(7);
  const PairLayout layout = method.allocation.layout;
  const std::vector<double> rx = rotated(x, token_angles(method, m), layout);
  const std::vector<double> ry = rotated(y, token_angles(method, {-m.t, -m.h, -m.w}), layout);
  const double left = dot(rx.data(), y.data(), d), right = dot(x.data(), ry.data(), d);
  LD mass = 0;
  for (int i = 0; i < d / 2; ++i) mass += pair_l1(x, dims_of(i, d, layout)) * pair_l1(y, dims_of(i, d, layout));
  const LD tol = 2 * (3 * kU + gamma_n(d)) * mass;
  RC_ASSERT(std::fabs(static_cast<LD>(left) - right) <= tol);
}

// The two pair layouts agree up to the permutation halves dimension i <-> adjacent 2i,
// i + P <-> 2i + 1: each output is the same floating-point expression of the same operands.
// Tolerance 0.
RC_GTEST_PROP(RotaryAlgebra, PairLayoutsAgreeUpToThePermutation, ()) {
  const property::MethodCase c = *property::gen_method();
  const Method method = c.make();
  const int d = method.spectrum.head_dim, pairs = d / 2;
  const std::vector<double> x_halves = *gen_vector(d);
  const std::vector<double> angles = token_angles(method, *property::gen_offset(7));
  std::vector<double> x_adjacent(x_halves.size());
  for (int i = 0; i < pairs; ++i) {
    x_adjacent[static_cast<size_t>(2 * i)] = x_halves[static_cast<size_t>(i)];
    x_adjacent[static_cast<size_t>(2 * i + 1)] = x_halves[static_cast<size_t>(i + pairs)];
  }
  const std::vector<double> out_halves = rotated(x_halves, angles, PairLayout::halves);
  const std::vector<double> out_adjacent = rotated(x_adjacent, angles, PairLayout::adjacent);
  for (int i = 0; i < pairs; ++i) {
    RC_ASSERT(out_adjacent[static_cast<size_t>(2 * i)] == out_halves[static_cast<size_t>(i)]);
    RC_ASSERT(out_adjacent[static_cast<size_t>(2 * i + 1)] == out_halves[static_cast<size_t>(i + pairs)]);
  }
}

}  // namespace
}  // namespace hopelab
