// Property tests of the position designs (docs/theory.md section 3): shifts by leading text,
// text-only collapses, one finite position per token, HoPE's dynamic temporal scaling, and
// frame_offset against whole layouts. Positions built from a non-binary step (gamma = 0.3, V2PE
// 1/1000) carry rounding; tolerances are derived beside each assertion, eps = 2^-52 = 2u.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <vector>

#include "generators.h"
#include "theory/preference.h"

namespace hopelab {
namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();

double max_abs_position(const PositionIds& ids) {
  double m = 0;
  for (const auto* axis : {&ids.t, &ids.h, &ids.w}) {
    for (double p : *axis) m = std::max(m, std::fabs(p));
  }
  return m;
}

// A position is the design cursor plus at most three rounded operations (a product step * f, a
// sum, the centring shift), and each cursor the previous one plus at most three more; after n
// segments at most 3 (n + 2) roundings of <= u * M each, M the largest |position|.
double position_rounding(size_t segments, double largest) {
  return 3.0 * static_cast<double>(segments + 2) * 0.5 * kEps * largest;
}

// ---- Shifting ----------------------------------------------------------------------------------

// Prepending k text tokens moves every later token by the same k * text step (1, TAD-RoPE 2) on
// t, h and w, so offsets between tokens after the text do not depend on it. Holds for flat,
// qwen2vl, qwen25vl (both time rules), diagonal (any step, training mode too: video indices are
// unchanged) and tad; for v2pe only when the layout starts with text (a sequence's first visual
// block is anchored at 0, see the next property).
// `layout` with k text tokens in front.
Layout with_leading_text(Layout layout, std::int64_t k) {
  Segment text;
  text.tokens = k;
  layout.insert(layout.begin(), text);
  return layout;
}

RC_GTEST_PROP(PositionShift, PrependingTextShiftsEveryLaterTokenEqually, ()) {
  const PositionDesign design = *property::gen_design(true);
  const Layout layout = *property::gen_layout();
  const auto k = *rc::gen::inRange<std::int64_t>(1, 50);
  RC_PRE(!(design.kind == DesignKind::v2pe && layout.front().visual()));
  const Layout prefixed = with_leading_text(layout, k);

  const PositionIds ids = assign_positions(design, layout);
  const PositionIds shifted = assign_positions(design, prefixed);
  RC_ASSERT(shifted.size() == ids.size() + k);
  const double shift = static_cast<double>(k) * (design.kind == DesignKind::tad ? 2.0 : 1.0);
  const double tol = 2 * position_rounding(prefixed.size(), max_abs_position(shifted));  // both layouts
  for (std::int64_t j = 0; j < ids.size(); ++j) {
    const Position3 moved = shifted.at(j + k) - ids.at(j);
    RC_LOG() << "token " << j << ": moved by (" << moved.t << ", " << moved.h << ", " << moved.w << ")\n";
    RC_ASSERT(std::fabs(moved.t - shift) <= tol);
    RC_ASSERT(std::fabs(moved.h - shift) <= tol);
    RC_ASSERT(std::fabs(moved.w - shift) <= tol);
  }
  RC_TAG(design_name(design.kind));
}

// V2PE anchors a sequence that opens with a visual block at 0 (p = index * step); after k text
// tokens the block starts at k - 1 + step instead (p = s - 1 + (index + 1) step), so the
// shift is k - 1 + step within the block, not k: V2PE is the one design whose offsets after
// leading text depend on that text.
RC_GTEST_PROP(PositionShift, V2peAnchorsAVisualFirstSequenceAtZero, ()) {
  PositionDesign design;
  design.kind = DesignKind::v2pe;
  design.visual_step = *rc::gen::element(1.0 / 256, 1.0 / 16, 0.25, 0.5, 1.0);  // exact in binary
  Layout layout = *property::gen_layout();
  Segment visual = *property::gen_segment();
  RC_PRE(visual.visual());
  layout.insert(layout.begin(), visual);
  const auto k = *rc::gen::inRange<std::int64_t>(1, 50);
  const Layout prefixed = with_leading_text(layout, k);
  const PositionIds ids = assign_positions(design, layout);
  const PositionIds shifted = assign_positions(design, prefixed);
  RC_ASSERT(ids.t[0] == 0.0);  // exact: 0 * step
  // Exact: integers and multiples of a power of two below 2^53.
  for (std::int64_t j = 0; j < visual.token_count(); ++j) {
    RC_ASSERT(shifted.t[static_cast<size_t>(j + k)] - ids.t[static_cast<size_t>(j)] ==
              static_cast<double>(k) - 1.0 + design.visual_step);
  }
}

// ---- Text-only inputs -------------------------------------------------------------------------------

// Every design gives a text token t = h = w (exactly: the three rows get the same cursor).
RC_GTEST_PROP(TextOnly, TextTokensHaveEqualAxes, ()) {
  const PositionDesign design = *property::gen_design(true);
  const Layout layout = *property::gen_layout();
  const PositionIds ids = assign_positions(design, layout);
  std::int64_t j = 0;
  for (const Segment& s : layout) {
    for (std::int64_t n = 0; n < s.token_count(); ++n, ++j) {
      if (s.visual()) continue;
      RC_ASSERT(ids.t[static_cast<size_t>(j)] == ids.h[static_cast<size_t>(j)]);
      RC_ASSERT(ids.t[static_cast<size_t>(j)] == ids.w[static_cast<size_t>(j)]);
    }
  }
}

// |D_a(m, m, m) - D_b(m, m, m)|: two methods' preferences at the text offset m (sigma = 1).
double text_preference_gap(const Method& a, const Method& b, double m) {
  return std::fabs(expected_preference(a, {m, m, m}).total - expected_preference(b, {m, m, m}).total);
}

// Two allocations with the same multiset of (theta_i, zero_i) give the same terms on a text
// offset; only the order of the sums differs: each side is within (P + 2) u sum(w) of the exact
// sum (P terms, two axis additions), so they agree within (P + 2) eps sum(w).
double reorder_tolerance(int pairs, double w) { return (pairs + 2) * kEps * w * pairs; }

// HoPE on pure text is p-RoPE keeping its h + w rotating pairs: the temporal pairs are the lowest
// frequencies at zero, the others rotate by the same m. For any sections, keep = (h + w) / P.
RC_GTEST_PROP(TextOnly, HopeOnTextIsPRopeKeepingItsSpatialPairs, ()) {
  const int d = *property::gen_head_dim();
  const double base = *property::gen_base();
  const double m = *property::gen_coordinate(7);
  MethodOptions o;
  o.spectrum = {d, base};
  if (*rc::gen::arbitrary<bool>()) o.sections = *property::gen_sections("hope", d / 2);
  const AxisSections s = o.sections.value_or(default_sections("hope", d / 2));
  const Method hope = make_method("hope", o);
  MethodOptions p = o;
  p.sections.reset();
  p.keep_fraction = static_cast<double>(s.h + s.w) / (d / 2);
  const Method prope = make_method("p-rope", p);
  RC_ASSERT(text_preference_gap(hope, prope, m) <= reorder_tolerance(d / 2, 2.0));
}

// HoPE on pure text is p-RoPE with p = 0.75 at every d: the default sections put
// t = P - floor(3P/4) pairs on (zero-frequency) time, leaving the floor(3P/4) highest rotating.
RC_GTEST_PROP(TextOnly, HopeOnTextIsPRope075, ()) {
  const int d = *property::gen_head_dim();
  MethodOptions o;
  o.spectrum = {d, *property::gen_base()};
  const double m = *property::gen_coordinate(7);
  const Method hope = make_method("hope", o);
  o.keep_fraction = 0.75;
  const Method prope = make_method("p-rope", o);
  RC_ASSERT(text_preference_gap(hope, prope, m) <= reorder_tolerance(d / 2, 2.0));
}

// MRoPE-Interleave (and M-RoPE, VideoRoPE: any allocation without zero pairs) equals vanilla on
// text, for any valid sections.
RC_GTEST_PROP(TextOnly, AllocationsWithoutZeroPairsAreVanillaOnText, ()) {
  const std::string name = *rc::gen::elementOf(std::vector<std::string>{"mrope-interleave", "mrope", "videorope"});
  const int d = *property::gen_head_dim();
  MethodOptions o;
  o.spectrum = {d, *property::gen_base()};
  if (*rc::gen::arbitrary<bool>()) o.sections = *property::gen_sections(name, d / 2);
  const double m = *property::gen_coordinate(7);
  const Method method = make_method(name, o);
  const Method vanilla = make_method("vanilla", o);
  RC_ASSERT(text_preference_gap(method, vanilla, m) <= reorder_tolerance(d / 2, 2.0));
}

// ---- One position per token -------------------------------------------------------------------------

// assign_positions returns token_count(layout) finite entries per axis; text positions strictly
// increase, and each text token's t exceeds the t of every token before it (the cursor resumes
// past the previous block's largest t, 1D designs' running index).
RC_GTEST_PROP(TokenPositions, EveryTokenGetsOneFinitePositionAndTextMovesForward, ()) {
  const PositionDesign design = *property::gen_design(true);
  const Layout layout = *property::gen_layout();
  const PositionIds ids = assign_positions(design, layout);
  const auto n = static_cast<size_t>(token_count(layout));
  RC_ASSERT(ids.t.size() == n);
  RC_ASSERT(ids.h.size() == n);
  RC_ASSERT(ids.w.size() == n);
  for (size_t j = 0; j < n; ++j) {
    RC_ASSERT(std::isfinite(ids.t[j]) && std::isfinite(ids.h[j]) && std::isfinite(ids.w[j]));
  }
  double max_t_before = -std::numeric_limits<double>::infinity();
  size_t j = 0;
  for (const Segment& s : layout) {
    for (std::int64_t i = 0; i < s.token_count(); ++i, ++j) {
      if (!s.visual()) RC_ASSERT(ids.t[j] > max_t_before);
      max_t_before = std::max(max_t_before, ids.t[j]);
    }
  }
}

// ---- HoPE's dynamic temporal scaling -------------------------------------------------------------------

// gamma = 1 is the undilated diagonal layout: HoPE (gamma 1) and VideoRoPE (delta 1) give the same
// positions, token by token (tolerance 0: the same design and the same operations).
RC_GTEST_PROP(TemporalScaling, GammaOneIsTheUndilatedDiagonalLayout, ()) {
  const Layout layout = *property::gen_layout();
  MethodOptions hope, videorope;
  hope.gamma = 1.0;
  videorope.delta = 1.0;
  const PositionIds a = assign_positions(make_method("hope", hope).design, layout);
  const PositionIds b = assign_positions(make_method("videorope", videorope).design, layout);
  RC_ASSERT(a.t == b.t);
  RC_ASSERT(a.h == b.h);
  RC_ASSERT(a.w == b.w);
}

// Frame offsets scale linearly in gamma: frame_offset(gamma).t = gamma * frame_offset(1).t exactly
// (frame_offset(1).t = m is exact and gamma * m is one rounding either way); h and w follow t up to
// the centring shift c <= 2 being added and removed: 2 roundings of <= u (|gamma m| + c).
RC_GTEST_PROP(TemporalScaling, FrameOffsetsScaleLinearlyInGamma, ()) {
  const double gamma = *property::gen_temporal_scale();
  const auto m = *property::uniform<std::int64_t>(0, 100000);
  const auto height = *rc::gen::inRange<std::int64_t>(1, 6), width = *rc::gen::inRange<std::int64_t>(1, 6);
  MethodOptions o, one;
  o.gamma = gamma;
  one.gamma = 1.0;
  const Position3 scaled = frame_offset(make_method("hope", o).design, m, height, width);
  const Position3 unit = frame_offset(make_method("hope", one).design, m, height, width);
  RC_ASSERT(unit.t == static_cast<double>(m));
  RC_ASSERT(scaled.t == gamma * unit.t);
  const double tol = kEps * (std::fabs(scaled.t) + 4.0);
  RC_ASSERT(std::fabs(scaled.h - gamma * unit.h) <= tol);
  RC_ASSERT(std::fabs(scaled.w - gamma * unit.w) <= tol);
}

// ---- frame_offset against whole layouts ------------------------------------------------------------------

// frame_offset(design, m, H, W) is the offset between frames m and 0 at one cell of a video, read
// off assign_positions of a whole layout (any segments before the video, any cell): for every
// design but HoPE's training mode (where each video draws its own gamma, see the next property).
// Positions differ from frame_offset's (cursor 0) by the cursor: rounding as position_rounding.
RC_GTEST_PROP(FrameOffset, AgreesWithOffsetsReadOffAWholeLayout, ()) {
  const PositionDesign design = *property::gen_design(false);
  Layout layout = *rc::gen::container<Layout>(static_cast<size_t>(*rc::gen::inRange(0, 4)), property::gen_segment());
  Segment video;
  video.kind = SegmentKind::video;
  video.frames = *rc::gen::inRange<std::int64_t>(2, 9);
  video.height = *rc::gen::inRange<std::int64_t>(1, 6);
  video.width = *rc::gen::inRange<std::int64_t>(1, 6);
  const std::int64_t start = token_count(layout);
  layout.push_back(video);
  const auto m = *rc::gen::inRange<std::int64_t>(1, video.frames);
  const auto y = *rc::gen::inRange<std::int64_t>(0, video.height);
  const auto x = *rc::gen::inRange<std::int64_t>(0, video.width);

  const PositionIds ids = assign_positions(design, layout);
  const std::int64_t cell = start + y * video.width + x, frame_tokens = video.height * video.width;
  const Position3 from_layout = ids.at(cell + m * frame_tokens) - ids.at(cell);
  const Position3 want = frame_offset(design, m, video.height, video.width);
  const double tol = 2 * position_rounding(layout.size(), max_abs_position(ids));
  RC_LOG() << "layout offset (" << from_layout.t << ", " << from_layout.h << ", " << from_layout.w << "), frame_offset ("
           << want.t << ", " << want.h << ", " << want.w << ")\n";
  RC_ASSERT(std::fabs(from_layout.t - want.t) <= tol);
  RC_ASSERT(std::fabs(from_layout.h - want.h) <= tol);
  RC_ASSERT(std::fabs(from_layout.w - want.w) <= tol);
  if (frame_offset_is_linear(design)) {  // m * frame_offset(1), one more rounding of <= u |offset|
    const Position3 one = frame_offset(design, 1, video.height, video.width);
    RC_ASSERT(std::fabs(want.t - static_cast<double>(m) * one.t) <= tol + kEps * std::fabs(want.t));
  }
  RC_TAG(design_name(design.kind));
}

// HoPE training mode: every video's frame step is an element of Gamma, and the video's frame
// offsets are frame_offset of the design with that step (exact: Gamma and the cursors are
// multiples of 1/4). frame_offset itself reads only temporal_step (the inference gamma).
RC_GTEST_PROP(FrameOffset, TrainingModeVideosUseOneGammaFromTheSetEach, ()) {
  PositionDesign design;
  design.kind = DesignKind::diagonal;
  design.training_gamma_seed = *rc::gen::arbitrary<std::uint64_t>();
  const Layout layout = *property::gen_layout();
  const PositionIds ids = assign_positions(design, layout);
  std::int64_t start = 0;
  for (const Segment& s : layout) {
    if (s.visual() && s.frames >= 2) {
      const std::int64_t frame_tokens = s.height * s.width;
      const double step = ids.t[static_cast<size_t>(start + frame_tokens)] - ids.t[static_cast<size_t>(start)];
      RC_ASSERT(std::find(std::begin(kHopeGammaSet), std::end(kHopeGammaSet), step) != std::end(kHopeGammaSet));
      PositionDesign fixed = design;
      fixed.training_gamma_seed.reset();
      fixed.temporal_step = step;
      for (std::int64_t m = 1; m < s.frames; ++m) {
        RC_ASSERT(ids.at(start + m * frame_tokens) - ids.at(start) == frame_offset(fixed, m, s.height, s.width));
      }
    }
    start += s.token_count();
  }
}

}  // namespace
}  // namespace hopelab
