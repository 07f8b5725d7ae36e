// kernels/rotary.h against an independent reference: every rotation is recomputed here in
// long double (theta_i = b^(-2i/d) by powl, cosl/sinl, pair dimensions written out from their
// definitions), never through rotary.h's or theory's helpers. Tolerances are derived beside
// each assertion, in units of u_T = eps_T / 2 (the unit roundoff of the type under test).

#include "kernels/rotary.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "theory/method.h"
#include "theory/preference.h"
#include "theory/spectrum.h"

#include "../worst_element.h"

namespace {

using hopelab::Axis;
using hopelab::Method;
using hopelab::PairLayout;
using hopelab::Position3;
using LD = long double;

constexpr PairLayout kLayouts[] = {PairLayout::halves, PairLayout::adjacent};

template <typename T>
constexpr LD unit_roundoff() {
  return static_cast<LD>(std::numeric_limits<T>::epsilon()) / 2;
}

// gamma_n = n u / (1 - n u): Higham's bound on the relative error of an n-term sum.
template <typename T>
LD gamma_n(int n) {
  const LD nu = n * unit_roundoff<T>();
  return nu / (1 - nu);
}

// Pair i's dimensions from the definitions: halves (i, i + d/2), adjacent (2i, 2i + 1).
struct Dims {
  int a, b;
};
Dims reference_dims(int i, int d, PairLayout layout) {
  return layout == PairLayout::halves ? Dims{i, i + d / 2} : Dims{2 * i, 2 * i + 1};
}

// R(angles) x in long double. x: (d), angles: (P).
template <typename T>
std::vector<LD> reference_rotate(const std::vector<T>& x, const std::vector<T>& angles, PairLayout layout) {
  const int d = static_cast<int>(x.size());
  std::vector<LD> out(x.size());
  for (int i = 0; i < d / 2; ++i) {
    const Dims p = reference_dims(i, d, layout);
    const LD phi = angles[static_cast<size_t>(i)];
    const LD xa = x[static_cast<size_t>(p.a)], xb = x[static_cast<size_t>(p.b)];
    out[static_cast<size_t>(p.a)] = xa * std::cos(phi) - xb * std::sin(phi);
    out[static_cast<size_t>(p.b)] = xa * std::sin(phi) + xb * std::cos(phi);
  }
  return out;
}

template <typename T>
std::vector<T> rotated(const std::vector<T>& x, const std::vector<T>& angles, PairLayout layout) {
  std::vector<T> out(x.size());
  hopelab::rotate_pairs(x.data(), angles.data(), static_cast<int>(x.size()), layout, out.data());
  return out;
}

template <typename T>
std::vector<T> random_vector(std::mt19937_64& rng, int n, double scale) {
  std::normal_distribution<double> normal(0.0, scale);
  std::vector<T> v(static_cast<size_t>(n));
  for (T& e : v) e = static_cast<T>(normal(rng));
  return v;
}

// Angles of every kind the engines will feed: small, zero, negative, and up to |phi| ~ 1e4.
template <typename T>
std::vector<T> random_angles(std::mt19937_64& rng, int pairs) {
  std::uniform_real_distribution<double> unit(-1.0, 1.0);
  std::vector<T> angles(static_cast<size_t>(pairs));
  for (int i = 0; i < pairs; ++i) {
    const double scale = std::pow(10.0, i % 5);  // 1 .. 1e4
    angles[static_cast<size_t>(i)] = i % 7 == 3 ? T(0) : static_cast<T>(scale * unit(rng));
  }
  return angles;
}

std::string layout_label(PairLayout layout) { return hopelab::pair_layout_name(layout); }

template <typename T>
class RotaryTest : public ::testing::Test {};
using Precisions = ::testing::Types<float, double>;
TYPED_TEST_SUITE(RotaryTest, Precisions);

TYPED_TEST(RotaryTest, MatchesLongDoubleReference) {
  using T = TypeParam;
  std::mt19937_64 rng(20240601);
  for (int d : {2, 8, 64, 128, 256}) {
    for (PairLayout layout : kLayouts) {
      const std::vector<T> x = random_vector<T>(rng, d, 3.0);
      const std::vector<T> angles = random_angles<T>(rng, d / 2);
      const std::vector<T> got = rotated(x, angles, layout);
      const std::vector<LD> want = reference_rotate(x, angles, layout);
      hopelab::test::WorstElement worst;
      for (int i = 0; i < d / 2; ++i) {
        const Dims p = reference_dims(i, d, layout);
        // |fl(x_a c - x_b s) - (x_a cos - x_b sin)| <= |x_a||dc| + |x_b||ds| + u(|x_a c| + |x_b s|)
        // + u|result|, with |dc|, |ds| <= 2u (libm cos/sin within 1 ulp, ulp <= 2u on [-1, 1]):
        // 4u(|x_a| + |x_b|), plus 1u for second-order terms and the long double reference.
        const LD tol = 5 * unit_roundoff<T>() *
                       (std::fabs(static_cast<LD>(x[static_cast<size_t>(p.a)])) +
                        std::fabs(static_cast<LD>(x[static_cast<size_t>(p.b)])));
        for (int j : {p.a, p.b}) worst.consider(j, want[static_cast<size_t>(j)], got[static_cast<size_t>(j)], tol);
      }
      EXPECT_TRUE(worst.ok()) << "d = " << d << ", layout " << layout_label(layout) << ": " << worst.message(21);
    }
  }
}

TYPED_TEST(RotaryTest, PreservesNorm) {
  using T = TypeParam;
  std::mt19937_64 rng(7);
  for (int d : {2, 16, 128}) {
    for (PairLayout layout : kLayouts) {
      for (int trial = 0; trial < 20; ++trial) {
        const std::vector<T> x = random_vector<T>(rng, d, 1.0 + trial);
        const std::vector<T> out = rotated(x, random_angles<T>(rng, d / 2), layout);
        LD norm_x = 0, norm_out = 0, l1_x = 0;
        for (int j = 0; j < d; ++j) {
          norm_x += static_cast<LD>(x[static_cast<size_t>(j)]) * x[static_cast<size_t>(j)];
          norm_out += static_cast<LD>(out[static_cast<size_t>(j)]) * out[static_cast<size_t>(j)];
          l1_x += std::fabs(static_cast<LD>(x[static_cast<size_t>(j)]));
        }
        // | |Rx|_computed - |x| | <= |out - Rx|_2 <= |out - Rx|_1 <= sum over pairs of the two
        // elements' 5u(|x_a| + |x_b|) bounds above = 10u |x|_1 (norms summed in long double).
        const LD tol = 10 * unit_roundoff<T>() * l1_x;
        const LD err = std::fabs(std::sqrt(norm_out) - std::sqrt(norm_x));
        EXPECT_LE(err, tol) << "d = " << d << ", layout " << layout_label(layout) << ", trial " << trial
                            << ": |x| = " << std::sqrt(norm_x) << ", |Rx| = " << std::sqrt(norm_out);
      }
    }
  }
}

TYPED_TEST(RotaryTest, ZeroAngleIsIdentity) {
  using T = TypeParam;
  std::mt19937_64 rng(11);
  for (int d : {2, 64, 128}) {
    for (PairLayout layout : kLayouts) {
      const std::vector<T> x = random_vector<T>(rng, d, 5.0);
      const std::vector<T> out = rotated(x, std::vector<T>(static_cast<size_t>(d / 2), T(0)), layout);
      // Exact: cos 0 = 1 and sin 0 = 0 in IEEE arithmetic, so x_a * 1 - x_b * 0 = x_a. Tolerance 0.
      for (int j = 0; j < d; ++j) {
        ASSERT_EQ(out[static_cast<size_t>(j)], x[static_cast<size_t>(j)])
            << "d = " << d << ", layout " << layout_label(layout) << ", dimension " << j;
      }
    }
  }
}

TYPED_TEST(RotaryTest, LayoutsAgreeUpToThePermutation) {
  using T = TypeParam;
  std::mt19937_64 rng(13);
  for (int d : {2, 32, 128}) {
    const int pairs = d / 2;
    const std::vector<T> x_halves = random_vector<T>(rng, d, 2.0);
    const std::vector<T> angles = random_angles<T>(rng, pairs);
    // The permutation from the definitions: halves dimension i <-> adjacent 2i, i + P <-> 2i + 1.
    std::vector<T> x_adjacent(x_halves.size());
    for (int i = 0; i < pairs; ++i) {
      x_adjacent[static_cast<size_t>(2 * i)] = x_halves[static_cast<size_t>(i)];
      x_adjacent[static_cast<size_t>(2 * i + 1)] = x_halves[static_cast<size_t>(i + pairs)];
    }
    const std::vector<T> out_halves = rotated(x_halves, angles, PairLayout::halves);
    const std::vector<T> out_adjacent = rotated(x_adjacent, angles, PairLayout::adjacent);
    // Exact: each output is the same floating-point expression of the same operands. Tolerance 0.
    for (int i = 0; i < pairs; ++i) {
      ASSERT_EQ(out_adjacent[static_cast<size_t>(2 * i)], out_halves[static_cast<size_t>(i)])
          << "d = " << d << ", pair " << i;
      ASSERT_EQ(out_adjacent[static_cast<size_t>(2 * i + 1)], out_halves[static_cast<size_t>(i + pairs)])
          << "d = " << d << ", pair " << i;
    }
  }
}

TYPED_TEST(RotaryTest, DotMatchesLongDoubleSum) {
  using T = TypeParam;
  std::mt19937_64 rng(17);
  for (int n : {1, 2, 64, 128, 1000}) {
    const std::vector<T> a = random_vector<T>(rng, n, 1.0), b = random_vector<T>(rng, n, 10.0);
    LD want = 0, abs_sum = 0;
    for (int j = 0; j < n; ++j) {
      want += static_cast<LD>(a[static_cast<size_t>(j)]) * b[static_cast<size_t>(j)];
      abs_sum += std::fabs(static_cast<LD>(a[static_cast<size_t>(j)]) * b[static_cast<size_t>(j)]);
    }
    const T got = hopelab::dot(a.data(), b.data(), n);
    // Higham (3.5): |fl(a.b) - a.b| <= gamma_n sum |a_j b_j|.
    const LD tol = gamma_n<T>(n) * abs_sum;
    EXPECT_LE(std::fabs(got - want), tol) << "n = " << n << ": expected " << static_cast<double>(want)
                                          << ", actual " << got;
  }
}

// --- Relativity: scores depend only on the position offset ----------------------------------

// The angles a token at `position` gets under `method`, as an engine computes them: theory's
// pair_angle and rope_frequency in double, then narrowed to T.
template <typename T>
std::vector<T> token_angles(const Method& method, const Position3& position) {
  const int pairs = method.spectrum.pairs();
  std::vector<T> angles(static_cast<size_t>(pairs));
  for (int i = 0; i < pairs; ++i) {
    const double theta = hopelab::rope_frequency(i, method.spectrum.head_dim, method.spectrum.base);
    const Axis axis = method.allocation.axis[static_cast<size_t>(i)];
    const double phi = hopelab::pair_angle(hopelab::axis_component(position, axis), theta,
                                           method.allocation.zero[static_cast<size_t>(i)] != 0);
    angles[static_cast<size_t>(i)] = static_cast<T>(phi);
  }
  return angles;
}

LD component(const Position3& p, Axis axis) { return axis == Axis::t ? p.t : axis == Axis::h ? p.h : p.w; }

// Relative error bound of an angle fed to rotate_pairs: pow within 1 ulp (2u_d) for theta, u_d
// for position * theta, and u_T more when narrowed to float.
template <typename T>
LD angle_rounding() {
  return 3 * unit_roundoff<double>() + (sizeof(T) < sizeof(double) ? unit_roundoff<T>() : LD(0));
}

// q^T R(n - m) k in long double: theta_i by powl, the offset's axis component exact.
template <typename T>
LD reference_score(const Method& method, const std::vector<T>& q, const std::vector<T>& k, const Position3& m,
                   const Position3& n) {
  const int d = method.spectrum.head_dim;
  LD score = 0;
  for (int i = 0; i < d / 2; ++i) {
    const Dims p = reference_dims(i, d, method.allocation.layout);
    const Axis axis = method.allocation.axis[static_cast<size_t>(i)];
    const LD theta = std::pow(static_cast<LD>(method.spectrum.base), -2.0L * i / d);
    const bool zero = method.allocation.zero[static_cast<size_t>(i)] != 0;
    const LD phi = zero ? 0 : (component(n, axis) - component(m, axis)) * theta;
    const LD qa = q[static_cast<size_t>(p.a)], qb = q[static_cast<size_t>(p.b)];
    const LD ka = k[static_cast<size_t>(p.a)], kb = k[static_cast<size_t>(p.b)];
    // q_pair^T [cos -sin; sin cos] k_pair
    score += (qa * ka + qb * kb) * std::cos(phi) + (qb * ka - qa * kb) * std::sin(phi);
  }
  return score;
}

template <typename T>
T score(const Method& method, const std::vector<T>& q, const std::vector<T>& k, const Position3& m,
        const Position3& n) {
  const int d = method.spectrum.head_dim;
  const std::vector<T> rq = rotated(q, token_angles<T>(method, m), method.allocation.layout);
  const std::vector<T> rk = rotated(k, token_angles<T>(method, n), method.allocation.layout);
  return hopelab::dot(rq.data(), rk.data(), d);
}

// |x_i|: the Euclidean norm of pair i of x.
template <typename T>
LD pair_norm(const std::vector<T>& x, Dims p) {
  return std::hypot(static_cast<LD>(x[static_cast<size_t>(p.a)]), static_cast<LD>(x[static_cast<size_t>(p.b)]));
}

// Bound on |score(m, n) - q^T R(n - m) k| (Cauchy-Schwarz per pair, rotations keep pair norms):
//   angles:   |d score_i / d phi| <= |q_i||k_i|, and each angle is off by angle_rounding |phi|;
//   rotation: each rotated pair is off by <= sqrt(2) 5u (|x_a| + |x_b|) <= 10u |x_i|, twice;
//   dot:      gamma_d sum_i |q_i||k_i|.
// q_i, k_i: pair i of q and k; the sum is over pairs.
template <typename T>
LD score_tolerance(const Method& method, const std::vector<T>& q, const std::vector<T>& k, const Position3& m,
                   const Position3& n) {
  const int d = method.spectrum.head_dim;
  const LD u = unit_roundoff<T>();
  LD tol = 0;
  for (int i = 0; i < d / 2; ++i) {
    const Dims p = reference_dims(i, d, method.allocation.layout);
    const LD q_norm = pair_norm(q, p), k_norm = pair_norm(k, p);
    const Axis axis = method.allocation.axis[static_cast<size_t>(i)];
    const LD theta = std::pow(static_cast<LD>(method.spectrum.base), -2.0L * i / d);
    const LD phis = method.allocation.zero[static_cast<size_t>(i)]
                        ? 0
                        : (std::fabs(component(m, axis)) + std::fabs(component(n, axis))) * theta;
    tol += q_norm * k_norm * (angle_rounding<T>() * phis + 20 * u + gamma_n<T>(d));
  }
  return tol;
}

const char* const kMethods[] = {"vanilla", "mrope", "mrope-interleave", "videorope", "hope", "hope-x", "p-rope"};

Method method_for(const std::string& name, int head_dim, PairLayout layout) {
  hopelab::MethodOptions options;
  options.spectrum.head_dim = head_dim;
  options.layout = layout;
  return hopelab::make_method(name, options);
}

// Token positions of the kinds the designs produce: integers, HoPE's gamma = 0.75 steps, and
// three different axis components; |component| <= 5000.
Position3 random_position(std::mt19937_64& rng) {
  std::uniform_int_distribution<int> steps(-4000, 4000);
  std::uniform_int_distribution<int> small(-60, 60);
  const double t = 0.75 * steps(rng);
  return {t, t + small(rng), t + small(rng)};
}

TYPED_TEST(RotaryTest, ScoreDependsOnlyOnOffset) {
  using T = TypeParam;
  std::mt19937_64 rng(19);
  for (const char* name : kMethods) {
    for (PairLayout layout : kLayouts) {
      const Method method = method_for(name, 128, layout);
      for (int trial = 0; trial < 10; ++trial) {
        const std::vector<T> q = random_vector<T>(rng, 128, 1.0), k = random_vector<T>(rng, 128, 1.0);
        const Position3 m = random_position(rng), n = random_position(rng);
        // The same offset n - m from a shifted origin (a shift that keeps every component exact).
        const Position3 shift{1024.0 * (trial - 5), 256.0 * trial, -512.0};
        const Position3 m2{m.t + shift.t, m.h + shift.h, m.w + shift.w};
        const Position3 n2{n.t + shift.t, n.h + shift.h, n.w + shift.w};
        const LD want = reference_score(method, q, k, m, n);
        for (const auto& [from, to] : {std::pair{m, n}, std::pair{m2, n2}}) {
          const LD got = score(method, q, k, from, to);
          const LD tol = score_tolerance(method, q, k, from, to);  // derived above score_tolerance
          EXPECT_LE(std::fabs(got - want), tol)
              << name << ", layout " << layout_label(layout) << ", trial " << trial << ": from (" << from.t << ", "
              << from.h << ", " << from.w << ") to (" << to.t << ", " << to.h << ", " << to.w << "), expected "
              << static_cast<double>(want) << ", actual " << static_cast<double>(got);
        }
      }
    }
  }
}

// With q = k = v the score is the closed-form preference with weights w_i = v_a^2 + v_b^2:
//   <R(m) v, R(n) v> = sum_i (v_a^2 + v_b^2) cos((n - m)_axis(i) theta_i) = D(n - m).
TEST(RotaryScore, EqualsClosedFormPreference) {
  std::mt19937_64 rng(23);
  const LD u = unit_roundoff<double>();
  for (const char* name : kMethods) {
    for (PairLayout layout : kLayouts) {
      const Method method = method_for(name, 128, layout);
      for (int trial = 0; trial < 10; ++trial) {
        const std::vector<double> v = random_vector<double>(rng, 128, 1.0);
        std::vector<double> variances(v.size());
        for (size_t j = 0; j < v.size(); ++j) variances[j] = v[j] * v[j];
        const std::vector<double> weights = hopelab::pair_weights(method, variances);
        const Position3 m = random_position(rng), n = random_position(rng);
        const double got = score(method, v, v, m, n);
        const double closed_form = hopelab::expected_preference(method, n - m, weights).total;
        // score vs exact: score_tolerance (here |q_i||k_i| = w_i). Closed form vs exact: its angle
        // (n - m) theta is off by <= 4u |phi| (subtraction, pow, product), cos by 2u, w_i by 2u
        // (squares and sum), the sum by gamma_P: sum_i w_i (4u |phi_i| + 4u + gamma_P).
        LD tol = score_tolerance(method, v, v, m, n);
        for (int i = 0; i < 64; ++i) {
          const Axis axis = method.allocation.axis[static_cast<size_t>(i)];
          const LD theta = std::pow(static_cast<LD>(method.spectrum.base), -2.0L * i / 128);
          const LD phi = method.allocation.zero[static_cast<size_t>(i)] ? 0 : std::fabs(component(n - m, axis)) * theta;
          tol += weights[static_cast<size_t>(i)] * (4 * u * phi + 4 * u + gamma_n<double>(64));
        }
        EXPECT_LE(std::fabs(static_cast<LD>(got) - closed_form), tol)
            << name << ", layout " << layout_label(layout) << ", trial " << trial << ": closed form " << closed_form
            << ", rotated score " << got;
      }
    }
  }
}

// Zero-frequency pairs (HoPE's temporal pairs) are left exactly as they are at any position.
TEST(RotaryScore, ZeroFrequencyPairsNeverRotate) {
  std::mt19937_64 rng(29);
  for (PairLayout layout : kLayouts) {
    const Method method = method_for("hope", 128, layout);
    const std::vector<double> x = random_vector<double>(rng, 128, 1.0);
    const std::vector<double> out = rotated(x, token_angles<double>(method, {1e6, 3e5, -7e5}), layout);
    int zero_pairs = 0;
    for (int i = 0; i < 64; ++i) {
      if (!method.allocation.zero[static_cast<size_t>(i)]) continue;
      ++zero_pairs;
      const Dims p = reference_dims(i, 128, layout);
      // Exact (angle 0, see ZeroAngleIsIdentity). Tolerance 0.
      EXPECT_EQ(out[static_cast<size_t>(p.a)], x[static_cast<size_t>(p.a)]) << "pair " << i;
      EXPECT_EQ(out[static_cast<size_t>(p.b)], x[static_cast<size_t>(p.b)]) << "pair " << i;
    }
    EXPECT_GT(zero_pairs, 0) << "hope should have zero-frequency pairs";
  }
}

}  // namespace
