// Property tests of the semantic preference results (docs/theory.md sections 4-7): HoPE
// Lemma 4.1 / Theorem 4.1 (zero-frequency dominance), Theorem 3.1 stated precisely and what its
// proof assumes, HoPE-X's guarantee, Lemma A.1 (sign-flip probability), the double closed form
// against 50 digits, and the cosine scan behind first violations. References recompute theta_i
// here (long double or Boost.Multiprecision) and read only a method's axis / zero flags.
// Tolerances are derived beside each assertion; eps = 2^-52 = 2u.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <ostream>
#include <vector>

#include <boost/multiprecision/cpp_bin_float.hpp>

#include "../theory/cosine_scan_tolerance.h"
#include "generators.h"
#include "theory/cosine_scan.h"
#include "theory/critical_length.h"
#include "theory/first_violation.h"
#include "theory/preference.h"
#include "theory/sign_flip.h"

namespace hopelab {
namespace {

using property::MethodCase;
using LD = long double;

constexpr double kEps = std::numeric_limits<double>::epsilon();
constexpr LD kPi = 3.141592653589793238462643383279502884L;

// theta_i = b^(-2i/d) in long double (relative error ~1e-19 |ln theta|, far below the bounds).
LD reference_theta(int pair, int head_dim, double base) {
  return std::pow(static_cast<LD>(base), -2.0L * pair / head_dim);
}

// The offset component pair i reads, from the definition.
double axis_offset(const Offset3& offset, Axis axis) {
  return axis == Axis::t ? offset.t : axis == Axis::h ? offset.h : offset.w;
}

// Rounding of one double term w cos(delta theta_i) of expected_preference. theta_i = pow(b, -2i/d)
// is off by (2 + |ln theta_i|) eps relative (the exponent's rounding, scaled by |ln theta_i|, plus
// pow's ulp); delta * theta_i adds one eps: the phase is off by |delta theta_i| (3 + |ln theta_i|)
// eps, which moves cos by as much; cos and the product by w add an eps each.
double term_bound(double w, double delta, LD theta) {
  if (theta == 0 || delta == 0) return 2 * kEps * w;
  return w * (std::fabs(delta) * static_cast<double>(theta) * (3.0 + std::fabs(static_cast<double>(std::log(theta)))) *
                  kEps +
              2 * kEps);
}

// Higham: a recursive sum of n terms is off by <= gamma_n sum|terms| <= n eps sum|terms| (n eps
// covers gamma_n = n u / (1 - n u) for every n here).
double sum_bound(int terms, double abs_sum) { return terms * kEps * abs_sum; }

// A copy of `method` with every temporal pair at zero frequency (HoPE's HFA on its allocation).
Method with_temporal_pairs_zeroed(Method method) {
  for (int i = 0; i < method.allocation.pairs(); ++i) {
    if (method.allocation.axis[static_cast<size_t>(i)] == Axis::t) method.allocation.zero[static_cast<size_t>(i)] = 1;
  }
  return method;
}

// Pairs of `method` on axis t that rotate (non-zero frequency), ascending (the last has theta_min).
std::vector<int> rotating_temporal_pairs(const Method& method) {
  std::vector<int> out;
  for (int i = 0; i < method.allocation.pairs(); ++i) {
    const auto k = static_cast<size_t>(i);
    if (method.allocation.axis[k] == Axis::t && !method.allocation.zero[k]) out.push_back(i);
  }
  return out;
}

constexpr size_t kT = static_cast<size_t>(Axis::t);

// ---- HoPE Lemma 4.1 / Theorem 4.1: zero temporal frequencies dominate ---------------------------

// For any allocation, weights and offset: forcing the temporal pairs to zero frequency changes D
// by sum over the rotating temporal pairs of w_i (1 - cos(dt theta_i)) >= 0, term by term; the
// change is exactly 0 where every temporal cosine is 1 (dt = 0, or no rotating temporal pair).
RC_GTEST_PROP(ZeroFrequencyDominance, ZeroTemporalPairsNeverLowerThePreference, ()) {
  const MethodCase c = *property::gen_method();
  const Offset3 offset = *property::gen_offset(7);
  const std::vector<double> variances = *property::gen_variances(c.options.spectrum.head_dim);
  const Method method = c.make();
  const Method zeroed = with_temporal_pairs_zeroed(method);
  const std::vector<double> w = pair_weights(method, variances);
  const Preference p = expected_preference(method, offset, w);
  const Preference p0 = expected_preference(zeroed, offset, w);

  const int d = method.spectrum.head_dim, pairs = method.spectrum.pairs();
  LD exact_gap = 0;       // sum_i w_i (1 - cos(dt theta_i)) over rotating temporal pairs
  double tol = 0;         // rounding of p.by_axis[t] and p0.by_axis[t]
  double temporal_w = 0;  // sum of the temporal weights
  double all_w = std::accumulate(w.begin(), w.end(), 0.0);
  const std::vector<int> rotating = rotating_temporal_pairs(method);
  for (int i : rotating) {
    const LD theta = reference_theta(i, d, method.spectrum.base);
    exact_gap += w[static_cast<size_t>(i)] * (1.0L - std::cos(static_cast<LD>(offset.t) * theta));
    tol += term_bound(w[static_cast<size_t>(i)], offset.t, theta);
  }
  for (int i : method.allocation.pairs_on(Axis::t)) temporal_w += w[static_cast<size_t>(i)];
  tol += 2 * sum_bound(pairs, temporal_w);  // both temporal sums
  const bool every_cosine_one = offset.t == 0.0 || rotating.empty();

  const double got_gap = p0.by_axis[kT] - p.by_axis[kT];
  RC_LOG() << "temporal sum " << p.by_axis[kT] << ", zeroed " << p0.by_axis[kT] << ", exact gap "
           << static_cast<double>(exact_gap) << ", tolerance " << tol << "\n";
  RC_ASSERT(got_gap >= -tol);                                                    // Lemma 4.1
  RC_ASSERT(std::fabs(got_gap - exact_gap) <= tol + kEps * std::fabs(got_gap));  // = the exact gap
  // Theorem 4.1 on the full sum: the spatial sums are the same operations on the same pairs, so
  // they are bit-identical; total = (t + h) + w adds two roundings of at most eps sum(w) each.
  RC_ASSERT(p0.by_axis[1] == p.by_axis[1]);
  RC_ASSERT(p0.by_axis[2] == p.by_axis[2]);
  RC_ASSERT(p0.total - p.total >= -(tol + 4 * kEps * all_w));
  if (every_cosine_one) {
    // Tolerance 0: every temporal term is w_i * cos(0) = w_i in both, summed in the same order.
    RC_ASSERT(p0.by_axis[kT] == p.by_axis[kT]);
    RC_ASSERT(p0.total == p.total);
  }
  RC_CLASSIFY(every_cosine_one, "every temporal cosine is 1");
  RC_CLASSIFY(exact_gap > 2 * tol, "strictly dominated");
}

// ---- HoPE Theorem 3.1, stated precisely ----------------------------------------------------------

// With a non-zero temporal frequency, theta_min = the smallest one, critical_length returns
// L_c = 1 + pi / (2 theta_min), and the integer dt* = floor(pi / (2 theta_min)) + 1 <= ceil(L_c) has
// pi/2 < dt* theta_min <= pi/2 + theta_min < 3 pi/2 (theta_min <= theta_0 = 1): that term's cosine
// is negative, so the temporal partial sum at offset (dt*, 0, 0) lies below its zero-frequency
// value 2 * (temporal pairs) by at least 2 (1 - cos(dt* theta_min)) > 2.
RC_GTEST_PROP(Theorem31, TemporalSumDropsBelowItsZeroFrequencyValueWithinTheCriticalLength, ()) {
  const MethodCase c = *property::gen_method();
  const Method method = c.make();
  const std::vector<int> rotating = rotating_temporal_pairs(method);
  RC_PRE(!rotating.empty());
  const int d = method.spectrum.head_dim, pairs = method.spectrum.pairs();
  const int j = rotating.back();  // theta_i decreases with i
  const LD theta_min = reference_theta(j, d, method.spectrum.base);

  const CriticalLength critical = critical_length(method);
  RC_ASSERT(critical.length.has_value());
  RC_ASSERT(critical.pair == j);
  // theta_min in double is off by (2 + |ln theta|) eps (term_bound); M_PI, the quotient and + 1 add
  // an eps each at most: relative (5 + |ln theta|) eps.
  const LD want_length = 1.0L + kPi / (2.0L * theta_min);
  RC_ASSERT(std::fabs(*critical.length - want_length) <=
            want_length * (5.0L + std::fabs(std::log(theta_min))) * kEps);

  const double dt = static_cast<double>(std::floor(kPi / (2.0L * theta_min)) + 1.0L);
  RC_ASSERT(dt <= std::ceil(*critical.length));
  const LD cos_min = std::cos(static_cast<LD>(dt) * theta_min);
  RC_ASSERT(cos_min < 0.0L);

  const Preference p = expected_preference(method, {dt, 0.0, 0.0}, 1.0);  // w_i = 2
  const int temporal = static_cast<int>(method.allocation.pairs_on(Axis::t).size());
  const double zero_value = 2.0 * temporal;
  double tol = sum_bound(pairs, zero_value) + kEps * zero_value;  // the sum and the subtraction below
  for (int i : rotating) tol += term_bound(2.0, dt, reference_theta(i, d, method.spectrum.base));
  RC_LOG() << "dt* = " << dt << ", temporal sum " << p.by_axis[kT] << " vs zero-frequency value " << zero_value
           << ", cos(dt* theta_min) = " << static_cast<double>(cos_min) << "\n";
  RC_ASSERT(zero_value - p.by_axis[kT] >= 2.0 * (1.0 - static_cast<double>(cos_min)) - tol);
  RC_CLASSIFY(rotating.size() == 1, "one temporal frequency");
}

// One temporal frequency (a custom allocation with exactly one rotating t pair j; every other pair
// on h or w, or on t at zero frequency): its term 2 cos(dt theta_j) is >= 0 for every integer
// 0 <= dt <= floor(pi / (2 theta_j)) = floor(L_c - 1) and negative at the next integer, so L_c is
// exactly where a context first holds a negative temporal term. first_violation restricted to t
// agrees: that distance without zero temporal pairs, "proven never" with one (Z >= R).
RC_GTEST_PROP(Theorem31, SingleTemporalFrequencyTurnsNegativeExactlyPastTheCriticalLength, ()) {
  const int d = *property::gen_head_dim();
  const double base = *property::gen_base();
  const int pairs = d / 2;
  const int j = *property::uniform(0, pairs);
  std::vector<Axis> axis(static_cast<size_t>(pairs), Axis::t);
  std::vector<int> zero(static_cast<size_t>(pairs), 0);
  const auto roles = *rc::gen::container<std::vector<int>>(static_cast<size_t>(pairs), rc::gen::element(0, 1, 2));
  int zero_temporal = 0;
  for (int i = 0; i < pairs; ++i) {
    if (i == j) continue;
    const int role = roles[static_cast<size_t>(i)];  // 0: h, 1: w, 2: t at zero frequency
    axis[static_cast<size_t>(i)] = role == 0 ? Axis::h : role == 1 ? Axis::w : Axis::t;
    zero[static_cast<size_t>(i)] = role == 2;
    zero_temporal += role == 2;
  }
  MethodOptions o;
  o.spectrum = {d, base};
  o.custom_allocation = property::custom_spec(axis, zero);
  const Method method = make_method("custom", o);
  RC_LOG() << "allocation " << o.custom_allocation << "\n";

  const LD theta = reference_theta(j, d, base);
  const CriticalLength critical = critical_length(method);
  RC_ASSERT(critical.pair == j);
  const double last_nonnegative = static_cast<double>(std::floor(kPi / (2.0L * theta)));
  const double first_negative = last_nonnegative + 1.0;
  RC_ASSERT(first_negative <= std::ceil(*critical.length));
  // last_nonnegative <= L_c - 1 < first_negative, L_c - 1 within (5 + |ln theta|) eps relative
  // (previous property).
  const double length_tol = (*critical.length) * (5.0 + std::fabs(static_cast<double>(std::log(theta)))) * kEps;
  RC_ASSERT(last_nonnegative <= *critical.length - 1.0 + length_tol);
  RC_ASSERT(first_negative > *critical.length - 1.0 - length_tol);

  // The term: by_axis[t] minus the zero pairs' 2 each. Rounding: term_bound, the sum of
  // zero_temporal + 1 terms of total <= 2 (zero_temporal + 1), and the subtraction.
  const double zero_value = 2.0 * zero_temporal;
  const auto term = [&](double dt) {
    return expected_preference(method, {dt, 0.0, 0.0}, 1.0).by_axis[kT] - zero_value;
  };
  const auto tol = [&](double dt) {
    return term_bound(2.0, dt, theta) + sum_bound(zero_temporal + 1, zero_value + 2.0) + kEps * (zero_value + 2.0);
  };
  const LD cos_negative = std::cos(static_cast<LD>(first_negative) * theta);
  RC_ASSERT(cos_negative < 0.0L);  // pi/2 < first_negative theta <= pi/2 + theta < 3 pi/2
  RC_ASSERT(std::fabs(term(first_negative) - 2.0L * cos_negative) <= tol(first_negative));
  if (2.0L * cos_negative < -tol(first_negative)) RC_ASSERT(term(first_negative) < 0.0);
  const double before = std::min(static_cast<double>(*property::uniform<std::int64_t>(0, 1'000'000'000)),
                                 last_nonnegative);
  for (double dt : {0.0, before, last_nonnegative}) {
    RC_ASSERT(std::cos(static_cast<LD>(dt) * theta) >= 0.0L);
    RC_ASSERT(term(dt) >= -tol(dt));
  }

  ViolationQuery q;
  q.direction = Direction::frames;  // qwen2vl design: frame offset (m, 0, 0)
  q.only_axis = Axis::t;
  if (zero_temporal > 0) {
    RC_ASSERT(first_violation(method, q).proven_never);
  } else if (first_negative <= 1e6 && std::fabs(cos_negative) > 1e-9L &&
             std::fabs(std::cos(static_cast<LD>(last_nonnegative) * theta)) > 1e-9L) {
    // The scan errs by < 1e-9 here (phase rounding <= 1e6 eps plus scan_rounding_bound), below
    // the margin just checked, so its first negative distance is the exact one.
    q.limit = static_cast<std::int64_t>(first_negative);
    const FirstViolation v = first_violation(method, q);
    RC_ASSERT(v.distance.has_value());
    RC_ASSERT(static_cast<double>(*v.distance) == first_negative);
  }
}

// ---- What Theorem 3.1's proof assumes --------------------------------------------------------------

// Two visual tokens at the same cell of different frames under Qwen2-VL ids have offset (dt, 0, 0):
// every spatial pair contributes its maximum w. When the pairs whose angle stays 0 (spatial and
// zero-frequency temporal) are at least as many as the rotating temporal ones, D >= 2 (Z - R) >= 0
// at EVERY dt, even where the temporal partial sum has dropped (Theorem 3.1's premise holds at
// dt* of the previous property): the theorem's conclusion about the full sum does not follow
// from non-negative spatial sums alone. first_violation along frames proves it ("never").
RC_GTEST_PROP(Theorem31Assumption, SpatialPairsAtZeroOffsetKeepTheFullSumNonNegative, ()) {
  MethodCase c = *property::gen_method();
  c.options.design = DesignKind::qwen2vl;
  const Method method = c.make();
  const int pairs = method.spectrum.pairs();
  const std::vector<int> rotating = rotating_temporal_pairs(method);
  const int still = pairs - static_cast<int>(rotating.size());  // spatial pairs and zero temporal pairs
  RC_PRE(still >= static_cast<int>(rotating.size()));

  const double dt = *property::gen_coordinate(7);
  const Preference p = expected_preference(method, {dt, 0.0, 0.0}, 1.0);
  // Each term w cos(phi) >= -w exactly (|cos| <= 1 and rounding is monotone), so only the sum
  // rounds: D >= 2 (still - rotating) - P eps * 2P.
  const double tol = sum_bound(pairs, 2.0 * pairs) + 2 * kEps * 2.0 * pairs;
  RC_ASSERT(p.total >= 2.0 * (still - static_cast<int>(rotating.size())) - tol);
  RC_ASSERT(p.total >= -tol);

  ViolationQuery q;
  q.direction = Direction::frames;
  RC_ASSERT(first_violation(method, q).proven_never);

  if (!rotating.empty()) {  // Theorem 3.1's premise: the temporal partial sum has dropped
    const LD theta_min = reference_theta(rotating.back(), method.spectrum.head_dim, method.spectrum.base);
    const double dt_star = static_cast<double>(std::floor(kPi / (2.0L * theta_min)) + 1.0L);
    const Preference at = expected_preference(method, {dt_star, 0.0, 0.0}, 1.0);
    const double temporal_zero_value = 2.0 * static_cast<double>(method.allocation.pairs_on(Axis::t).size());
    RC_ASSERT(at.by_axis[kT] < temporal_zero_value - 1.0);  // dropped by > 2 (previous property)
    RC_ASSERT(at.total >= -tol);                            // yet the full sum holds
  }
  RC_CLASSIFY(!rotating.empty(), "temporal sum drops, full sum holds");
}

// A class where the full sum does go negative with zero spatial offsets (i.i.d. weights): a
// near-degenerate spectrum (b <= 1.001, so every theta_i = b^(-2i/d) lies in [1/1.001, 1]) whose
// rotating temporal pairs R satisfy R >= 1.02 (P - R) + 1. At dt = 3 every rotating phase is in
// [2.997, 3], cos <= cos(2.997) < -0.9895, so D(3, 0, 0) <= 2 (P - R) - 2 * 0.9895 R < -1.97.
RC_GTEST_PROP(Theorem31Assumption, TemporalMajorityWithNearlyEqualFrequenciesGoesNegative, ()) {
  const int pairs = *rc::gen::inRange(1, 129);
  const double base = 1.0 + *property::uniform(1, 1001) * 1e-6;
  const int min_rotating = static_cast<int>(std::ceil((1.02 * pairs + 1.0) / 2.02));
  const int rotating = *property::uniform(min_rotating, pairs + 1);
  // Roles: rotating temporal pairs at random places, the others on h, w, or t at zero frequency.
  const auto keys = *rc::gen::container<std::vector<int>>(static_cast<size_t>(pairs), property::uniform(0, 1 << 30));
  const auto others = *rc::gen::container<std::vector<int>>(static_cast<size_t>(pairs), rc::gen::element(0, 1, 2));
  std::vector<int> order(static_cast<size_t>(pairs));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return keys[static_cast<size_t>(a)] < keys[static_cast<size_t>(b)]; });
  std::vector<Axis> axis(static_cast<size_t>(pairs), Axis::t);
  std::vector<int> zero(static_cast<size_t>(pairs), 0);
  for (int r = rotating; r < pairs; ++r) {
    const auto i = static_cast<size_t>(order[static_cast<size_t>(r)]);
    axis[i] = others[i] == 0 ? Axis::h : others[i] == 1 ? Axis::w : Axis::t;
    zero[i] = others[i] == 2;
  }
  MethodOptions o;
  o.spectrum = {2 * pairs, base};
  o.custom_allocation = property::custom_spec(axis, zero);
  const Method method = make_method("custom", o);
  RC_LOG() << "allocation " << o.custom_allocation << "\n";

  const double d3 = expected_preference(method, {3.0, 0.0, 0.0}, 1.0).total;
  RC_ASSERT(d3 <= 2.0 * (pairs - rotating) - 2.0 * 0.9895 * rotating + sum_bound(pairs + 2, 2.0 * pairs));
  RC_ASSERT(d3 < 0.0);
  ViolationQuery q;
  q.direction = Direction::frames;
  q.limit = 3;
  const FirstViolation v = first_violation(method, q);
  RC_ASSERT(!v.proven_never);
  RC_ASSERT(v.distance.has_value());
}

// The same with non-i.i.d. weights (the per-dimension form): one rotating temporal pair j with
// theta_j <= 1/2 carrying w_j = 1.05 S + 1, S the weight of every other pair. At dt = round(pi /
// theta_j), |dt theta_j - pi| <= theta_j / 2 <= 1/4, so cos <= -cos(1/4) < -0.9689 and
// D <= S - 0.9689 (1.05 S + 1) < -0.96: a temporal pair with more variance than all spatial
// pairs together breaks the criterion even at zero spatial offset.
RC_GTEST_PROP(Theorem31Assumption, ATemporalPairOutweighingAllOthersGoesNegative, ()) {
  const int d = *property::gen_head_dim();
  const double base = *property::gen_base();
  const int pairs = d / 2;
  const int j = *property::uniform(0, pairs);
  const LD theta = reference_theta(j, d, base);
  RC_PRE(theta <= 0.5L);
  const auto roles = *rc::gen::container<std::vector<int>>(static_cast<size_t>(pairs), rc::gen::element(0, 1, 2));
  std::vector<Axis> axis(static_cast<size_t>(pairs), Axis::t);
  std::vector<int> zero(static_cast<size_t>(pairs), 0);
  for (int i = 0; i < pairs; ++i) {
    if (i == j) continue;
    const int role = roles[static_cast<size_t>(i)];
    axis[static_cast<size_t>(i)] = role == 0 ? Axis::h : role == 1 ? Axis::w : Axis::t;
    zero[static_cast<size_t>(i)] = role == 2;
  }
  MethodOptions o;
  o.spectrum = {d, base};
  o.custom_allocation = property::custom_spec(axis, zero);
  const Method method = make_method("custom", o);  // halves layout: pair i is dims (i, i + P)
  std::vector<double> variances = *property::gen_variances(d);
  double others = 0;
  for (int i = 0; i < pairs; ++i) {
    if (i != j) others += variances[static_cast<size_t>(i)] + variances[static_cast<size_t>(i + pairs)];
  }
  const double w_j = 1.05 * others + 1.0;
  variances[static_cast<size_t>(j)] = variances[static_cast<size_t>(j + pairs)] = w_j / 2;

  const double dt = static_cast<double>(std::round(kPi / theta));
  const double got = expected_preference(method, {dt, 0.0, 0.0}, pair_weights(method, variances)).total;
  const double tol = term_bound(w_j, dt, theta) + sum_bound(pairs + 2, others + w_j);
  RC_LOG() << "dt " << dt << ", others " << others << ", w_j " << w_j << ", D " << got << "\n";
  RC_ASSERT(got <= others - 0.9689 * w_j + tol);
  RC_ASSERT(got < 0.0);
}

// ---- HoPE-X's guarantee -------------------------------------------------------------------------------

// Zero-frequency pairs at least as many as rotating ones (i.i.d. weights 2 sigma^2): each rotating
// cosine (>= -1) is matched by a zero pair's +1, so D >= 2 sigma^2 (Z - R) >= 0 at every offset,
// and first_violation proves "never" along text and along frames.
RC_GTEST_PROP(HopeXGuarantee, ZeroPairsOutnumberingRotatingOnesKeepThePreferenceNonNegative, ()) {
  const MethodCase c = *property::gen_zero_heavy_method();
  const Offset3 offset = *property::gen_offset(7);
  const double sigma = *rc::gen::element(0.25, 0.7, 1.0, 3.0);
  const Method method = c.make();
  const int pairs = method.spectrum.pairs();
  const int zero_pairs = static_cast<int>(method.allocation.zero_pairs().size());
  RC_ASSERT(2 * zero_pairs >= pairs);  // the generator's contract
  const double w = 2.0 * sigma * sigma;
  const double got = expected_preference(method, offset, sigma).total;
  // Terms w cos >= -w exactly; only the sum (P terms, then two axis sums) rounds.
  const double tol = sum_bound(pairs + 2, w * pairs);
  RC_ASSERT(got >= w * (2 * zero_pairs - pairs) - tol);
  RC_ASSERT(got >= -tol);
  for (Direction direction : {Direction::text, Direction::frames}) {
    ViolationQuery q;
    q.direction = direction;
    const FirstViolation v = first_violation(method, q);
    RC_ASSERT(v.proven_never);
    RC_ASSERT(v.zero_weight >= v.rotating_weight);
  }
}

// ---- HoPE Lemma A.1: sign-flip probability ---------------------------------------------------------

// A context length L in [2, 1e6], log-uniform.
rc::Gen<std::int64_t> gen_context_length() {
  return rc::gen::map(property::uniform(0, (1 << 20) + 1), [](int k) {
    return std::max<std::int64_t>(2, std::llround(std::pow(10.0, 6.0 * k / (1 << 20))));
  });
}

// P[cos(theta dt) < 0] for dt uniform on {0..L-1} is exactly 0 for theta < pi / (2 (L - 1)) (every
// phase is below pi/2) and at least 1/L for theta in (that threshold, pi): n0 = floor(pi/(2 theta))
// + 1 <= L - 1 has n0 theta in (pi/2, pi/2 + theta] inside (pi/2, 3 pi/2).
RC_GTEST_PROP(LemmaA1, NoSignFlipBelowTheThresholdAndOneAboveIt, ()) {
  const std::int64_t length = *gen_context_length();
  const double threshold = sign_flip_threshold(length);
  RC_ASSERT(std::fabs(threshold - kPi / (2.0L * (length - 1))) <= 2 * kEps * threshold);  // M_PI, one quotient
  constexpr int kSteps = 1 << 20;
  const double below = threshold * (*property::uniform(0, kSteps) / static_cast<double>(kSteps));  // < threshold
  RC_ASSERT(sign_flip_probability(below, length) == 0.0);
  // Log-uniform in [threshold (2(L-1))^(2^-20), pi (2(L-1))^(-2^-20)]: > threshold (1 + 6e-7), < pi (1 - 6e-7).
  const double v = *property::uniform(1, kSteps) / static_cast<double>(kSteps);
  const double above = threshold * std::pow(M_PI / threshold, v);
  RC_ASSERT(sign_flip_probability(above, length) >= 1.0 / static_cast<double>(length));
}

// Erdos-Turan (Kuipers & Niederreiter, Uniform Distribution of Sequences, ch. 2, thm 2.5): for
// x_n = n theta / (2 pi) mod 1, n = 0..L-1, and every K >= 1 the discrepancy is
//   D_L <= 6 / (K + 1) + (4 / pi) sum_{h=1..K} (1/h) |(1/L) sum_n exp(i h theta n)|,
// and |sum_n exp(i h theta n)| = |sin(L h theta / 2) / sin(h theta / 2)| <= 1 / |sin(h theta / 2)|.
// cos(theta n) < 0 iff x_n lies in the open interval (1/4, 3/4) of length 1/2, so |p - 1/2| <= D_L.
// The bound is small exactly when theta is far from rational multiples of 2 pi with small
// denominators (no small |sin(h theta / 2)|); for such theta it is O(log L / L) with K ~ L.
double erdos_turan_bound(LD theta, std::int64_t length) {
  const std::int64_t max_k = std::min<std::int64_t>(length, 20000);
  double best = 1.0, sum = 0.0;
  for (std::int64_t h = 1; h <= max_k; ++h) {
    const LD s = std::fabs(std::sin(h * theta / 2.0L));
    const double exp_sum = static_cast<double>(std::min(1.0L, 1.0L / (length * s)));  // |(1/L) sum|
    sum += exp_sum / static_cast<double>(h);
    best = std::min(best, 6.0 / static_cast<double>(h + 1) + (4.0 / M_PI) * sum);
  }
  return best;
}

// For theta uniform in [1, 100] and L in [2, 1e6] the exact count is within the Erdos-Turan bound
// of 1/2 (plus 2/L: the counted intervals' ends are rounded quotients, shifted by the reduction of
// theta modulo fl(2 pi) by < 1e-8, which can misplace an n only if n theta lies that close to a zero
// of cos: for random theta, at most one or two n). Monotonicity in theta is NOT exact and is not
// asserted.
RC_GTEST_PROP(LemmaA1, SignFlipProbabilityIsWithinTheErdosTuranBoundOfOneHalf, ()) {
  const double theta = 1.0 + 99.0 * *property::uniform(0, (1 << 20) + 1) / (1 << 20);
  const std::int64_t length = *gen_context_length();
  const double p = sign_flip_probability(theta, length);
  const double bound = erdos_turan_bound(theta, length) + 2.0 / static_cast<double>(length);
  RC_LOG() << "p = " << p << ", bound " << bound << "\n";
  RC_ASSERT(std::fabs(p - 0.5) <= bound);
  RC_CLASSIFY(bound < 0.01, "bound below 1%");
}

// The probability is the exact count: against one cosl per offset for L <= 20000, theta in
// [1e-6, 1e3] (log-uniform). An offset whose |cos| is below 1e-7 is ambiguous (theta mod fl(2 pi)
// and the rounded interval ends move a phase by < 1e-8 here) and may go either way.
RC_GTEST_PROP(LemmaA1, SignFlipProbabilityCountsExactly, ()) {
  const double theta = std::pow(10.0, -6.0 + 9.0 * *property::uniform(0, (1 << 20) + 1) / (1 << 20));
  const std::int64_t length = *property::uniform<std::int64_t>(1, 20001);
  std::int64_t negative = 0, ambiguous = 0;
  for (std::int64_t n = 0; n < length; ++n) {
    const LD c = std::cos(static_cast<LD>(theta) * n);
    negative += c < 0;
    ambiguous += std::fabs(c) < 1e-7L;
  }
  const std::int64_t got = std::llround(sign_flip_probability(theta, length) * static_cast<double>(length));
  RC_ASSERT(std::llabs(got - negative) <= ambiguous);
}

// ---- Precision of the double closed form -----------------------------------------------------------

using Big = boost::multiprecision::cpp_bin_float_50;

// D = 2 sigma^2 sum_i cos(Delta_axis(i) theta_i) (zero pairs: 1) per axis, theta and cos in 50
// digits. Reads only the allocation's axis and zero flags.
std::array<Big, 3> reference_by_axis(const Method& method, const Offset3& offset, double sigma) {
  const int d = method.spectrum.head_dim;
  std::array<Big, 3> by_axis{};
  for (int i = 0; i < d / 2; ++i) {
    const Axis a = method.allocation.axis[static_cast<size_t>(i)];
    Big term = 1;
    if (!method.allocation.zero[static_cast<size_t>(i)]) {
      const Big theta = boost::multiprecision::pow(Big(method.spectrum.base), Big(-2 * i) / d);
      term = boost::multiprecision::cos(Big(axis_offset(offset, a)) * theta);
    }
    by_axis[static_cast<size_t>(a)] += 2 * Big(sigma) * Big(sigma) * term;
  }
  return by_axis;
}

// expected_preference in double against 50 digits at offsets up to 1e9 (integers and fractions),
// each axis sum within the sum of its pairs' term_bound (phase error |Delta theta| (3 + |ln
// theta|) eps) and its sum's rounding; the total two more roundings. At |Delta| = 1e9 and theta = 1
// the bound is ~1e-6 per pair: that is the real error of a double phase, not slack.
RC_GTEST_PROP(PreferencePrecision, DoubleMatchesFiftyDigitsAtOffsetsUpToOneBillion, ()) {
  const MethodCase c = *property::gen_method();
  const Offset3 offset = *property::gen_offset(9);
  const double sigma = *rc::gen::element(0.5, 0.7, 1.0, 2.0);
  const Method method = c.make();
  const int d = method.spectrum.head_dim;
  const Preference got = expected_preference(method, offset, sigma);
  const std::array<Big, 3> want = reference_by_axis(method, offset, sigma);
  const double w = 2.0 * sigma * sigma;
  std::array<double, 3> bound{};
  std::array<int, 3> terms{};
  for (int i = 0; i < d / 2; ++i) {
    const auto a = static_cast<size_t>(method.allocation.axis[static_cast<size_t>(i)]);
    const bool zero = method.allocation.zero[static_cast<size_t>(i)] != 0;
    const LD theta = reference_theta(i, d, method.spectrum.base);
    bound[a] += zero ? kEps * w : term_bound(w, axis_offset(offset, static_cast<Axis>(a)), theta);
    ++terms[a];
  }
  double total_bound = 0;
  for (size_t a = 0; a < 3; ++a) {
    bound[a] += sum_bound(terms[a], w * terms[a]);
    total_bound += bound[a];
    const double err = std::fabs(static_cast<double>(Big(got.by_axis[a]) - want[a]));
    RC_LOG() << "axis " << a << ": got " << got.by_axis[a] << ", want " << static_cast<double>(want[a]) << ", error "
             << err << ", bound " << bound[a] << "\n";
    RC_ASSERT(err <= bound[a]);
  }
  total_bound += 2 * kEps * w * (d / 2);
  RC_ASSERT(std::fabs(static_cast<double>(Big(got.total) - (want[0] + want[1] + want[2]))) <= total_bound);
}

// ---- The cosine scan behind first violations -----------------------------------------------------

struct ScanCase {
  std::vector<double> omega, weight;  // (P)
  std::int64_t first = 0, last = 0;
};
void showValue(const ScanCase& c, std::ostream& os) {
  os.precision(17);
  os << "first " << c.first << ", last " << c.last << ", omega {";
  for (double x : c.omega) os << x << ",";
  os << "}, weight {";
  for (double x : c.weight) os << x << ",";
  os << "}";
}

// P in [1, 64]; omega_i 0 or log-uniform in [1e-9, 10]; w_i in [0, 4]; first log-uniform up to
// 10^max_exponent, 1..3 resync blocks long.
rc::Gen<ScanCase> gen_scan_case(double max_exponent) {
  return rc::gen::exec([max_exponent] {
    ScanCase c;
    const auto n = static_cast<size_t>(*rc::gen::inRange(1, 65));
    c.omega = *rc::gen::container<std::vector<double>>(n, rc::gen::map(property::uniform(0, (1 << 20) + 1), [](int k) {
      return k == 0 ? 0.0 : std::pow(10.0, -9.0 + 10.0 * k / (1 << 20));
    }));
    c.weight = *rc::gen::container<std::vector<double>>(
        n, rc::gen::map(property::uniform(0, 4097), [](int k) { return k / 1024.0; }));
    c.first = std::llround(std::fabs(*property::gen_coordinate(max_exponent)));
    c.last = c.first + *property::uniform<std::int64_t>(0, 3 * kResyncSteps);
    return c;
  });
}

// Worst |scanned S(m) - sum_i w_i cos(m omega_i)| over the case, with the direct sum in long double
// (its phase m omega_i exact to ~1e-19 |m omega_i|), and the worst |m omega_i| seen.
struct ScanError {
  double worst = 0.0;
  std::int64_t at = -1;
  std::int64_t visited = 0;
};
ScanError scan_error(const ScanCase& c) {
  ScanError e;
  scan_cosine_sums(c.omega, c.weight, c.first, c.last, [&](std::int64_t m, double scanned) {
    LD direct = 0;
    for (size_t i = 0; i < c.omega.size(); ++i) direct += c.weight[i] * std::cos(static_cast<LD>(m) * c.omega[i]);
    const double err = static_cast<double>(std::fabs(scanned - direct));
    if (err > e.worst) {
      e.worst = err;
      e.at = m;
    }
    ++e.visited;
    return true;
  });
  return e;
}

// The tolerance is derived in tests/theory/cosine_scan_tolerance.h (resync phase rounding
// u |m omega_i|, 4 sqrt2 u per recurrence step, the sums, the long double reference), not taken
// from the code under test; scan_rounding_bound must be no smaller than its scan part. Distances
// up to 1e7 (first_violation's default limit).
RC_GTEST_PROP(CosineScan, AgreesWithLongDoubleWithinTheDerivedTolerance, ()) {
  const ScanCase c = *gen_scan_case(7);
  const ScanError e = scan_error(c);
  RC_ASSERT(e.visited == c.last - c.first + 1);
  const double tolerance = scan_test::scan_tolerance(c.omega, c.weight, c.last, kResyncSteps);
  RC_LOG() << "worst error " << e.worst << " at m = " << e.at << ", tolerance " << tolerance << "\n";
  RC_ASSERT(e.worst <= tolerance);
  RC_ASSERT(scan_rounding_bound(c.omega, c.weight, c.last) >=
            scan_test::scan_error_bound(c.omega, c.weight, c.last, kResyncSteps));
}

}  // namespace
}  // namespace hopelab
