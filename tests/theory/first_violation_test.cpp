// First violations against a brute-force long double scan (one cosl per pair and distance,
// no recurrence, theta recomputed here), plus the proven-never cases and their reasons.
#include <algorithm>
#include <cmath>
#include <functional>

#include <gtest/gtest.h>

#include "theory/first_violation.h"
#include "theory/input_error.h"

namespace hopelab {
namespace {

struct BruteForce {
  std::int64_t first = -1;  // -1: none up to the limit
  long double margin = 0;   // smallest |S(m)| seen at m <= first (how close a call was)
};

// S(m) = sum over selected pairs of cos(Delta_axis(m) theta_i), zero pairs 1; Delta from `offset`.
BruteForce brute_force(const Method& m, std::optional<Axis> only, std::int64_t limit,
                       const std::function<Offset3(std::int64_t)>& offset) {
  const int d = m.spectrum.head_dim;
  BruteForce out;
  out.margin = 1e300L;
  for (std::int64_t k = 1; k <= limit; ++k) {
    const Offset3 off = offset(k);
    long double s = 0;
    for (int i = 0; i < d / 2; ++i) {
      const Axis a = m.allocation.axis[static_cast<size_t>(i)];
      if (only && a != *only) continue;
      const long double theta = std::pow(static_cast<long double>(m.spectrum.base), -2.0L * i / d);
      const long double delta = a == Axis::t ? off.t : a == Axis::h ? off.h : off.w;
      s += m.allocation.zero[static_cast<size_t>(i)] ? 1.0L : std::cos(delta * theta);
    }
    out.margin = std::min(out.margin, std::fabs(s));
    if (s < 0) {
      out.first = k;
      return out;
    }
  }
  return out;
}

void expect_matches_brute_force(const std::string& name, MethodOptions o, Direction dir, std::optional<Axis> only,
                                std::int64_t limit) {
  const Method m = make_method(name, o);
  ViolationQuery q;
  q.direction = dir;
  q.only_axis = only;
  q.limit = limit;
  q.grid_height = 3;
  q.grid_width = 4;
  const FirstViolation got = first_violation(m, q);
  const BruteForce want = brute_force(m, only, limit, [&](std::int64_t k) {
    if (dir == Direction::text) return Offset3{double(k), double(k), double(k)};
    return frame_offset(m.design, k, 3, 4);
  });
  const std::string label = name + " along " + direction_name(dir) + (only ? std::string(" only ") + axis_name(*only) : "");
  // The scan's rounding (scan_rounding_bound, < 1e-8 at these limits) can only flip a sign when |S| is below it;
  // the cases here keep a margin far above that, which is checked first.
  ASSERT_GT(want.margin, 1e-9L) << label << ": brute force came too close to zero to compare";
  if (want.first < 0) {
    EXPECT_FALSE(got.distance) << label << ": got " << *got.distance << ", brute force none";
  } else {
    ASSERT_TRUE(got.distance) << label << ": brute force " << want.first << ", got none (" << got.reason << ")";
    EXPECT_EQ(*got.distance, want.first) << label;
    EXPECT_LT(got.value, 0.0) << label;
  }
}

TEST(FirstViolation, MatchesBruteForceAtQwen2Settings) {
  // d = 128, base 1e6: vanilla first fails at 27115 (checked independently by numpy, too).
  expect_matches_brute_force("vanilla", {}, Direction::text, std::nullopt, 40000);
  expect_matches_brute_force("p-rope", {}, Direction::text, std::nullopt, 40000);
  expect_matches_brute_force("mrope", {}, Direction::frames, Axis::t, 2000);
  expect_matches_brute_force("mrope-interleave", {}, Direction::frames, Axis::t, 20000);
  expect_matches_brute_force("videorope", {}, Direction::frames, std::nullopt, 20000);
  expect_matches_brute_force("vanilla", {}, Direction::frames, std::nullopt, 5000);
  expect_matches_brute_force("tad-rope", {}, Direction::frames, std::nullopt, 5000);
  expect_matches_brute_force("v2pe", {}, Direction::frames, std::nullopt, 8000);
}

TEST(FirstViolation, MatchesBruteForceAtSmallSettings) {
  for (int d : {8, 16, 32}) {
    for (double base : {10.0, 100.0, 1e3}) {
      MethodOptions o;
      o.spectrum = {d, base};
      for (const char* name : {"vanilla", "mrope", "videorope", "p-rope"}) {
        expect_matches_brute_force(name, o, Direction::text, std::nullopt, 3000);
        expect_matches_brute_force(name, o, Direction::frames, Axis::t, 3000);
      }
    }
  }
}

TEST(FirstViolation, ZeroPairsOutweighingRotatingPairsIsProvenNever) {
  ViolationQuery q;
  const FirstViolation hx = first_violation(make_method("hope-x"), q);
  EXPECT_TRUE(hx.proven_never);
  EXPECT_FALSE(hx.distance);
  EXPECT_EQ(hx.zero_weight, 64.0);  // 32 pairs * 2 sigma^2
  EXPECT_EQ(hx.rotating_weight, 64.0);
  EXPECT_NE(hx.reason.find("never"), std::string::npos);

  q.direction = Direction::frames;  // M-RoPE frames: 48 spatial pairs see offset 0
  EXPECT_TRUE(first_violation(make_method("mrope"), q).proven_never);
  q.only_axis = Axis::t;  // HoPE's temporal pairs alone are all zero frequency
  EXPECT_TRUE(first_violation(make_method("hope"), q).proven_never);
}

TEST(FirstViolation, UnprovenAndUnfoundSaysSo) {
  ViolationQuery q;
  q.limit = 1000;  // vanilla fails only at 27115
  const FirstViolation v = first_violation(make_method("vanilla"), q);
  EXPECT_FALSE(v.distance);
  EXPECT_FALSE(v.proven_never);
  EXPECT_NE(v.reason.find("not proven"), std::string::npos);
}

TEST(FirstViolation, TruncatedTimeAlignedIdsScanDirectly) {
  MethodOptions o;
  o.design = DesignKind::qwen25vl;
  o.fps = 3.0;  // 2/3 s per grid * 2 tokens/s = 4/3 per frame, truncated: not linear in frames
  o.tokens_per_second = 2.0;
  const Method m = make_method("mrope", o);
  ASSERT_FALSE(frame_offset_is_linear(m.design));
  expect_matches_brute_force("mrope", o, Direction::frames, Axis::t, 3000);
}

// The scan's last distance is the limit itself: with limit = m* (the brute force's first
// violation) the library must report m*, with limit = m* - 1 nothing. One case per design kind,
// along frames (where the designs differ), the non-linear truncated qwen25vl design among them
// (the direct per-distance scan) and a linear qwen25vl one (the recurrence).
TEST(FirstViolation, AViolationExactlyAtTheLimitIsFoundForEveryDesignKind) {
  struct Case {
    const char* method;
    std::optional<DesignKind> design;
    std::optional<Axis> only;
    double fps = 1.0, tokens_per_second = 25.0;
  };
  const Case cases[] = {
      {"vanilla", std::nullopt, std::nullopt},                      // flat
      {"mrope", std::nullopt, Axis::t},                             // qwen2vl
      {"mrope", DesignKind::qwen25vl, Axis::t, 3.0, 2.0},           // 4/3 per frame, truncated: direct scan
      {"mrope", DesignKind::qwen25vl, Axis::t, 1.0, 0.5},           // 1 per frame: linear
      {"videorope", std::nullopt, std::nullopt},                    // diagonal
      {"v2pe", std::nullopt, std::nullopt},                         // v2pe
      {"tad-rope", std::nullopt, std::nullopt},                     // tad
  };
  std::vector<DesignKind> covered;
  for (const Case& c : cases) {
    MethodOptions o;
    o.spectrum = {16, 100.0};
    o.design = c.design;
    o.fps = c.fps;
    o.tokens_per_second = c.tokens_per_second;
    const Method m = make_method(c.method, o);
    covered.push_back(m.design.kind);
    const std::string label = std::string(c.method) + " (" + design_name(m.design.kind) + ")";
    const BruteForce want = brute_force(m, c.only, 3000, [&](std::int64_t k) { return frame_offset(m.design, k, 3, 4); });
    // Same margin argument as expect_matches_brute_force: |S| far above the scan's rounding.
    ASSERT_GT(want.margin, 1e-9L) << label;
    ASSERT_GT(want.first, 1) << label << ": precondition, a violation beyond distance 1 within 3000";
    ViolationQuery q;
    q.direction = Direction::frames;
    q.only_axis = c.only;
    q.grid_height = 3;
    q.grid_width = 4;
    q.limit = want.first;
    const FirstViolation at = first_violation(m, q);
    ASSERT_TRUE(at.distance) << label << ": limit = m* = " << want.first << " found none (" << at.reason << ")";
    EXPECT_EQ(*at.distance, want.first) << label;
    q.limit = want.first - 1;
    const FirstViolation before = first_violation(m, q);
    EXPECT_FALSE(before.distance) << label << ": limit = m* - 1 = " << q.limit << " found " << *before.distance;
  }
  for (DesignKind k : {DesignKind::flat, DesignKind::qwen2vl, DesignKind::qwen25vl, DesignKind::diagonal, DesignKind::v2pe,
                       DesignKind::tad}) {
    EXPECT_NE(std::find(covered.begin(), covered.end(), k), covered.end()) << design_name(k) << " has no case";
  }
}

TEST(FirstViolation, RejectsBadLimitAndEmptyAxis) {
  ViolationQuery q;
  q.limit = 0;
  EXPECT_THROW(first_violation(make_method("vanilla"), q), InputError);
  q.limit = 10;
  q.only_axis = Axis::h;  // vanilla has no h pairs
  EXPECT_THROW(first_violation(make_method("vanilla"), q), InputError);
}

}  // namespace
}  // namespace hopelab
