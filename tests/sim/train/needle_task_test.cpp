// The needle task's variants (sim/train/needle_task.h) read back from their pixels: with the
// noise level at 0, every frame of a marked or order example is exactly one class's pattern,
// plus the marker on the marked frames; the noise at level 1 is the plain variant's noise; the
// order variant's answer is the earlier marked frame's class. The class patterns are taken from
// plain examples' needle frames (each is its class's pattern), so the checks do not read the
// task's streams themselves.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "sim/train/needle_task.h"
#include "sim/vlm/presets.h"
#include "theory/input_error.h"

namespace hopelab {
namespace {

using Frame = std::vector<float>;

Frame frame_of(const NeedleExample& ex, std::int64_t f) {
  const std::int64_t n = ex.input.pixel_values_videos.numel() / ex.frames;
  const float* p = ex.input.pixel_values_videos.data.data() + f * n;
  return Frame(p, p + n);
}

struct Fixture {
  VlmConfig config = vlm_preset("needle");
  NeedleTask task;
  std::map<int, Frame> patterns;  // class -> pattern, from plain examples

  Fixture() {
    task.seed = 9;
    task.min_frames = 3;
    task.max_frames = 6;
    for (std::uint64_t i = 0; patterns.size() < static_cast<std::size_t>(task.classes) && i < 1000; ++i) {
      const NeedleExample ex = needle_example(config, task, i);
      patterns.emplace(ex.needle_class, frame_of(ex, ex.needle_frame));
    }
  }
  // The class whose pattern is `x` exactly, or -1.
  int class_of(const Frame& x) const {
    for (const auto& [c, p] : patterns) {
      if (p == x) return c;
    }
    return -1;
  }
  NeedleExample example(NeedleVariant v, double noise, std::uint64_t index) const {
    NeedleTask t = task;
    t.variant = v;
    t.noise_level = noise;
    return needle_example(config, t, index);
  }
};

Frame minus(const Frame& a, const Frame& b) {
  Frame d(a.size());
  for (std::size_t e = 0; e < a.size(); ++e) d[e] = a[e] - b[e];
  return d;
}

TEST(NeedleVariants, MarkedFramesAreClassPatternsAndTheNeedleCarriesTheMarker) {
  const Fixture fx;
  ASSERT_EQ(fx.patterns.size(), static_cast<std::size_t>(fx.task.classes));
  Frame marker;
  for (std::uint64_t i = 0; i < 20; ++i) {
    const NeedleExample ex = fx.example(NeedleVariant::marked, 0.0, i);
    EXPECT_EQ(ex.answer, ex.needle_class);
    EXPECT_EQ(ex.input.labels.back(), ex.needle_class);
    EXPECT_EQ(ex.partner_frame, -1);
    for (std::int64_t f = 0; f < ex.frames; ++f) {
      if (f == ex.needle_frame) continue;
      EXPECT_GE(fx.class_of(frame_of(ex, f)), 0) << "example " << i << " frame " << f << " is no class pattern";
    }
    // pattern + marker - pattern: the marker to float rounding of one addition and subtraction.
    const Frame m = minus(frame_of(ex, ex.needle_frame), fx.patterns.at(ex.needle_class));
    if (marker.empty()) marker = m;
    for (std::size_t e = 0; e < m.size(); ++e) ASSERT_NEAR(m[e], marker[e], 1e-5) << "example " << i;
  }
  // Twin: the marker is not a class pattern, so an unmarked frame differs from the needle.
  EXPECT_EQ(fx.class_of(marker), -1);
}

TEST(NeedleVariants, NoiseIsThePlainVariantsNoise) {
  const Fixture fx;
  const NeedleExample plain = fx.example(NeedleVariant::plain, 1.0, 4);
  const NeedleExample clean = fx.example(NeedleVariant::marked, 0.0, 4);
  const NeedleExample noisy = fx.example(NeedleVariant::marked, 2.0, 4);
  for (std::int64_t f = 0; f < plain.frames; ++f) {
    if (f == plain.needle_frame) continue;
    const Frame d = minus(frame_of(noisy, f), frame_of(clean, f)), n = frame_of(plain, f);
    // (p + 2 z) - p = 2 z up to the rounding of |p| + 2|z| < 20: 1e-5 absolute.
    for (std::size_t e = 0; e < d.size(); ++e) ASSERT_NEAR(d[e], 2 * n[e], 1e-5) << "frame " << f;
  }
}

TEST(NeedleVariants, OrderAnswersTheEarlierMarkedFramesClass) {
  const Fixture fx;
  int earlier_partner = 0, later_partner = 0;
  for (std::uint64_t i = 0; i < 40; ++i) {
    const NeedleExample ex = fx.example(NeedleVariant::order, 0.0, i);
    ASSERT_GE(ex.partner_frame, 0);
    ASSERT_LT(ex.partner_frame, ex.frames);
    ASSERT_NE(ex.partner_frame, ex.needle_frame);
    const Frame marker = minus(frame_of(ex, ex.needle_frame), fx.patterns.at(ex.needle_class));
    int partner_class = -1;  // the partner frame minus the marker is its class's pattern
    const Frame partner = frame_of(ex, ex.partner_frame);
    for (const auto& [c, p] : fx.patterns) {
      const Frame d = minus(partner, p);
      bool same = true;
      for (std::size_t e = 0; e < d.size() && same; ++e) same = std::fabs(d[e] - marker[e]) <= 1e-5;
      if (same) partner_class = c;
    }
    ASSERT_GE(partner_class, 0) << "example " << i;
    EXPECT_NE(partner_class, ex.needle_class);
    const int earlier = ex.partner_frame < ex.needle_frame ? partner_class : ex.needle_class;
    EXPECT_EQ(ex.answer, earlier) << "example " << i;
    EXPECT_EQ(ex.input.labels.back(), earlier);
    (ex.partner_frame < ex.needle_frame ? earlier_partner : later_partner) += 1;
  }
  EXPECT_GT(earlier_partner, 0);  // both orders occur
  EXPECT_GT(later_partner, 0);
}

TEST(NeedleVariants, RefusesBadSettings) {
  Fixture fx;
  fx.task.variant = NeedleVariant::order;
  fx.task.min_frames = 1;
  EXPECT_THROW(check_needle_task(fx.task, fx.config), InputError);
  fx.task.min_frames = 2;
  EXPECT_THROW(needle_example_at(fx.config, fx.task, 0, 1, 0), InputError);
  fx.task.noise_level = -1;
  EXPECT_THROW(check_needle_task(fx.task, fx.config), InputError);
  EXPECT_THROW(parse_needle_variant("needle"), InputError);
  EXPECT_EQ(parse_needle_variant("order"), NeedleVariant::order);
}

}  // namespace
}  // namespace hopelab
