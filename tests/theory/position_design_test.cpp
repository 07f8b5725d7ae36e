// Position designs: golden ids from the reference docstrings, hand-derived cases for every
// design (text before and after visual blocks), and invariants shared by all designs.
#include <gtest/gtest.h>

#include "theory/input_error.h"
#include "theory/method.h"

namespace hopelab {
namespace {

using Ids = std::vector<double>;

PositionIds ids_of(const std::string& method, const std::string& layout, MethodOptions o = {}) {
  return assign_positions(make_method(method, o).design, parse_layout(layout));
}

double delta_of(const std::string& method, const std::string& layout, MethodOptions o = {}) {
  const PositionDesign design = make_method(method, o).design;
  return rope_delta(design, assign_positions(design, parse_layout(layout)));
}

Ids range(double from, int count, double step = 1.0) {
  Ids v;
  for (int i = 0; i < count; ++i) v.push_back(from + step * i);
  return v;
}

Ids concat(std::initializer_list<Ids> parts) {
  Ids v;
  for (const Ids& p : parts) v.insert(v.end(), p.begin(), p.end());
  return v;
}

TEST(Positions, Qwen2VlDocstringExample) {
  // A 3x2x2 video then 5 text tokens (transformers' get_rope_index docstring).
  const PositionIds ids = ids_of("mrope", "video:3x2x2,text:5");
  EXPECT_EQ(ids.t, concat({{0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2}, range(3, 5)}));
  EXPECT_EQ(ids.h, concat({{0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1}, range(3, 5)}));
  EXPECT_EQ(ids.w, concat({{0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1}, range(3, 5)}));
  EXPECT_EQ(rope_delta(make_method("mrope").design, ids), 8.0 - 17.0);  // max position 7, + 1, - 17 tokens
}

TEST(Positions, Qwen25VlTimeAlignedDocstringExample) {
  // fps 1, 25 tokens per second, temporal patch 2: t steps of 50, text resumes at 101.
  MethodOptions o;
  o.design = DesignKind::qwen25vl;
  const PositionIds ids = ids_of("mrope", "video:3x2x2,text:5", o);
  EXPECT_EQ(ids.t, concat({{0, 0, 0, 0, 50, 50, 50, 50, 100, 100, 100, 100}, range(101, 5)}));
  EXPECT_EQ(ids.h, concat({{0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1}, range(101, 5)}));
}

TEST(Positions, Qwen25VlTruncationCollapsesFastVideo) {
  // fps 4, 2 tokens per second: 0.5 s per grid -> t = floor(f * 1) ... at fps 5: floor(f * 0.8).
  MethodOptions o;
  o.design = DesignKind::qwen25vl;
  o.fps = 5.0;
  o.tokens_per_second = 2.0;
  EXPECT_EQ(ids_of("mrope", "video:4x1x1", o).t, (Ids{0, 0, 1, 2}));  // floor(0, .8, 1.6, 2.4)
  o.keep_fractional_time = true;
  const Ids t = ids_of("mrope", "video:4x1x1", o).t;
  for (int f = 0; f < 4; ++f) EXPECT_DOUBLE_EQ(t[static_cast<size_t>(f)], 0.8 * f);
}

TEST(Positions, Qwen25VlTransformers457TruncatesSecondsPerGridFirst) {
  // transformers 4.57.1: t = floor(f * trunc(2 / fps) * tokens_per_second).
  MethodOptions o;
  o.design = DesignKind::qwen25vl;
  o.time_convention = TimeConvention::transformers_4_57;
  o.fps = 0.7;  // 2.857 s per grid -> 2
  o.tokens_per_second = 4.0;
  EXPECT_EQ(ids_of("mrope", "video:4x1x1", o).t, (Ids{0, 8, 16, 24}));
  o.time_convention = TimeConvention::product;  // floor(f * 11.43)
  EXPECT_EQ(ids_of("mrope", "video:4x1x1", o).t, (Ids{0, 11, 22, 34}));
  // fps > 2: 2 / fps < 1 truncates to 0 and every frame shares t = s; the text after the video
  // resumes past the spatial extent only.
  o.time_convention = TimeConvention::transformers_4_57;
  for (double fps : {3.0, 4.0, 24.0}) {
    o.fps = fps;
    const PositionIds ids = ids_of("mrope", "text:2,video:5x2x3,text:1", o);
    for (std::int64_t k = 2; k < 2 + 30; ++k) EXPECT_EQ(ids.t[static_cast<size_t>(k)], 2.0) << fps << " " << k;
    EXPECT_EQ(ids.t.back(), 2.0 + 3.0) << fps;  // s + max(T-collapsed 0, H - 1, W - 1) + 1
    EXPECT_TRUE(frame_offset_is_linear(make_method("mrope", o).design));
    EXPECT_EQ(frame_offset(make_method("mrope", o).design, 4, 2, 3), (Position3{0, 0, 0}));
  }
  // Whole seconds per grid (fps 1, 2, 0.5) agree with the product convention.
  for (double fps : {0.5, 1.0, 2.0}) {
    o.fps = fps;
    o.tokens_per_second = 25.0;
    MethodOptions p = o;
    p.time_convention = TimeConvention::product;
    EXPECT_EQ(ids_of("mrope", "text:1,video:4x2x2,text:2", o).t, ids_of("mrope", "text:1,video:4x2x2,text:2", p).t);
  }
  EXPECT_EQ(parse_time_convention("transformers-4.57"), TimeConvention::transformers_4_57);
  EXPECT_EQ(std::string(time_convention_name(TimeConvention::product)), "product");
  EXPECT_THROW(parse_time_convention("transformers-4.58"), InputError);
}

TEST(Positions, Qwen3VlTimestampedFrameGroups) {
  // text 0, 1; each frame group: 6 timestamp tokens and <vision_start> (not listed), the 2x2
  // group at b_f = 2 + 7 + 10 f (span 6 + 2 + max(2, 2) = 10), <vision_end> (not listed); text
  // resumes at 2 + 3 * 10 = 32.
  const PositionIds ids = ids_of("qwen3vl", "text:2,video:3x2x2,text:2");
  EXPECT_EQ(ids.t, concat({{0, 1}, Ids(4, 9), Ids(4, 19), Ids(4, 29), {32, 33}}));
  EXPECT_EQ(ids.h, concat({{0, 1}, {9, 9, 10, 10}, {19, 19, 20, 20}, {29, 29, 30, 30}, {32, 33}}));
  EXPECT_EQ(ids.w, concat({{0, 1}, {9, 10, 9, 10}, {19, 20, 19, 20}, {29, 30, 29, 30}, {32, 33}}));
  EXPECT_EQ(delta_of("qwen3vl", "text:2,video:3x2x2,text:2"), 34.0 - 16.0);  // over the listed tokens
  // The temporal id does not advance by frames: every group's t is its own start, and a frame
  // offset moves t, h and w alike by the group span K + 2 + max(H, W).
  MethodOptions o;
  o.timestamp_tokens = 3;
  const PositionDesign d = make_method("qwen3vl", o).design;
  EXPECT_EQ(frame_offset(d, 4, 2, 5), (Position3{4 * 10.0, 4 * 10.0, 4 * 10.0}));
  EXPECT_TRUE(frame_offset_is_linear(d));
  // An image is Qwen2-VL's block: no timestamp, text after it at max + 1.
  EXPECT_EQ(ids_of("qwen3vl", "text:1,image:2x3,text:1").t, (Ids{0, 1, 1, 1, 1, 1, 1, 4}));
  EXPECT_EQ(ids_of("qwen3vl", "text:1,image:2x3,text:1").w, (Ids{0, 1, 2, 3, 1, 2, 3, 4}));
  // Qwen3-VL's allocation is MRoPE-Interleave's.
  EXPECT_EQ(make_method("qwen3vl").allocation.axis, make_method("mrope-interleave").allocation.axis);
  o.timestamp_tokens = -1;
  EXPECT_THROW(make_method("qwen3vl", o), InputError);
  o.timestamp_tokens = 6;
  o.spatial_reset = true;
  EXPECT_THROW(make_method("qwen3vl", o), InputError);
}

TEST(Positions, Qwen2VlTextBeforeAndAfter) {
  // text 0..2, video starts at 3 and spans max(T, H, W) = 4 positions, text resumes at 7.
  const PositionIds ids = ids_of("mrope", "text:3,video:2x4x3,text:2");
  EXPECT_EQ(ids.t[3], 3);
  EXPECT_EQ(ids.t[3 + 12], 4);           // frame 1
  EXPECT_EQ(ids.h[3 + 3 * 3], 6);        // row 3
  EXPECT_EQ(ids.w[3 + 2], 5);            // column 2
  EXPECT_EQ(ids.t[27], 7);
  EXPECT_EQ(ids.t[28], 8);
}

TEST(Positions, VideoRopeDiagonalWithDelta) {
  // text:2 (0, 1); video 3x3x2 at s = 2, delta = 2: t = 2 + 2f, h = t + y - 1, w = t + x - 0;
  // next text at max t + 1 = 2 + 4 + 1 = 7.
  const PositionIds ids = ids_of("videorope", "text:2,video:3x3x2,text:2");
  EXPECT_EQ(ids.t, concat({{0, 1}, Ids(6, 2), Ids(6, 4), Ids(6, 6), {7, 8}}));
  EXPECT_EQ(ids.h, concat({{0, 1}, {1, 1, 2, 2, 3, 3}, {3, 3, 4, 4, 5, 5}, {5, 5, 6, 6, 7, 7}, {7, 8}}));
  EXPECT_EQ(ids.w, concat({{0, 1}, {2, 3, 2, 3, 2, 3}, {4, 5, 4, 5, 4, 5}, {6, 7, 6, 7, 6, 7}, {7, 8}}));
}

TEST(Positions, VideoRopeDiagonalCentresAnEvenGridBelowTheMiddle) {
  // docs/references.md: h = t + y - floor((H - 1) / 2). H = 4 rows: floor(3 / 2) = 1, so rows
  // 0..3 sit at t - 1 .. t + 2 (not t - 2 .. t + 1, the H / 2 centring); W = 2: floor(1 / 2) = 0.
  // text:2 (0, 1); video 2x4x2 at s = 2, delta = 2: t = 2 + 2f; next text at 4 + 1 = 5.
  const PositionIds ids = ids_of("videorope", "text:2,video:2x4x2,text:1");
  EXPECT_EQ(ids.t, concat({{0, 1}, Ids(8, 2), Ids(8, 4), {5}}));
  EXPECT_EQ(ids.h, concat({{0, 1}, {1, 1, 2, 2, 3, 3, 4, 4}, {3, 3, 4, 4, 5, 5, 6, 6}, {5}}));
  EXPECT_EQ(ids.w, concat({{0, 1}, {2, 3, 2, 3, 2, 3, 2, 3}, {4, 5, 4, 5, 4, 5, 4, 5}, {5}}));
}

TEST(Positions, HopeDiagonalWithFractionalGamma) {
  MethodOptions o;
  o.gamma = 0.75;
  const PositionIds ids = ids_of("hope", "text:1,video:3x1x1,text:1", o);
  EXPECT_EQ(ids.t, (Ids{0, 1, 1.75, 2.5, 3.5}));  // next text at 2.5 + 1
  EXPECT_EQ(ids.h, ids.t);                           // 1x1 grid: no centring shift
}

TEST(Positions, HopeTrainingDrawsGammaPerVideoFromTheSet) {
  MethodOptions o;
  o.training_gamma_seed = 7;
  const PositionIds a = ids_of("hope", "video:2x1x1,text:1,video:2x1x1,text:1,video:2x1x1", o);
  const PositionIds b = ids_of("hope", "video:2x1x1,text:1,video:2x1x1,text:1,video:2x1x1", o);
  EXPECT_EQ(a.t, b.t);  // same seed, same positions
  for (size_t first : {0u, 3u, 6u}) {
    const double gamma = a.t[first + 1] - a.t[first];
    EXPECT_TRUE(gamma == 0.5 || gamma == 0.75 || gamma == 1.0 || gamma == 1.25 || gamma == 1.5) << gamma;
  }
  // Over many seeds every gamma of the set is drawn.
  std::set<double> seen;
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    o.training_gamma_seed = seed;
    const PositionIds ids = ids_of("hope", "video:2x1x1", o);
    seen.insert(ids.t[1] - ids.t[0]);
  }
  EXPECT_EQ(seen, (std::set<double>{0.5, 0.75, 1.0, 1.25, 1.5}));
}

TEST(Positions, SpatialResetKeepsTheGridOwnCoordinates) {
  // Huang et al. 2025 (Multimodal-RoPEs, spatial_reset): text 0..2; an image at s = 3 gets t = 3,
  // h = y, w = x; the next text resumes past the block's extent, s + max(0, H-1, W-1) + 1 = 6.
  MethodOptions o;
  o.spatial_reset = true;
  const PositionIds ids = ids_of("mrope-interleave", "text:3,image:2x3,text:2", o);
  EXPECT_EQ(ids.t, (Ids{0, 1, 2, 3, 3, 3, 3, 3, 3, 6, 7}));
  EXPECT_EQ(ids.h, (Ids{0, 1, 2, 0, 0, 0, 1, 1, 1, 6, 7}));
  EXPECT_EQ(ids.w, (Ids{0, 1, 2, 0, 1, 2, 0, 1, 2, 6, 7}));
  EXPECT_EQ(rope_delta(make_method("mrope-interleave", o).design, ids), 8.0 - 11.0);
  // A video: t = s + f; text after it at s + max(T-1, H-1, W-1) + 1 (here T-1 = 3 wins).
  const PositionIds video = ids_of("mrope", "text:1,video:4x2x1,text:1", o);
  EXPECT_EQ(video.t, (Ids{0, 1, 1, 2, 2, 3, 3, 4, 4, 5}));
  EXPECT_EQ(video.h, (Ids{0, 0, 1, 0, 1, 0, 1, 0, 1, 5}));
  // The design option is refused where it means nothing.
  EXPECT_THROW(make_method("videorope", o), InputError);
  EXPECT_THROW(make_method("vanilla", o), InputError);
}

TEST(Positions, RopeDeltaFollowsEachDesignsReferenceCode) {
  // Diagonal (VideoRoPE get_t_scale_rope_index, HoPE get_dynamic_rope_index): the t row.
  // text:1,image:5x1,text:1: t = 0 | 1 x5 | 2, h up to 1 + 4 - 2 = 3: delta 2 + 1 - 7 = -4
  // (the maximum over t, h, w would give -3).
  EXPECT_EQ(delta_of("videorope", "text:1,image:5x1,text:1"), -4.0);
  EXPECT_EQ(delta_of("hope", "text:1,image:5x1,text:1"), -4.0);
  // TAD-RoPE (HoPE's get_time_rope_index): the temporal index t_i - i, here 0 1 2 2 3 3 4 5:
  // 5 + 1 - 8 = -2, and decoding at 2 * 8 - 2 = 14 continues the +2 text step after 12.
  EXPECT_EQ(delta_of("tad-rope", "text:2,video:2x1x2,text:2"), -2.0);
  EXPECT_EQ(delta_of("tad-rope", "text:4"), 0.0);
  // Qwen2-VL and the 1D designs: the largest position on any axis.
  EXPECT_EQ(delta_of("mrope", "text:1,image:5x1,text:1"), 6.0 + 1.0 - 7.0);
  EXPECT_EQ(delta_of("vanilla", "text:3,image:2x2"), 0.0);
}

TEST(Positions, FlatRunningIndex) {
  const PositionIds ids = ids_of("vanilla", "text:2,video:2x2x3,text:2");
  EXPECT_EQ(ids.t, range(0, 16));
  EXPECT_EQ(ids.h, ids.t);
  EXPECT_EQ(ids.w, ids.t);
}

TEST(Positions, V2peFractionalVisualSteps) {
  MethodOptions o;
  o.visual_step = 0.25;
  // text 0, 1; six visual tokens at 1 + 0.25 k (k = 1..6) = 1.25 .. 2.5; text at ceil(2.5) + 1 = 4.
  EXPECT_EQ(ids_of("v2pe", "text:2,image:2x3,text:2", o).t, (Ids{0, 1, 1.25, 1.5, 1.75, 2, 2.25, 2.5, 4, 5}));
  // A sequence that starts with a visual block starts at 0.
  EXPECT_EQ(ids_of("v2pe", "image:1x3,text:1", o).t, (Ids{0, 0.25, 0.5, 2}));
}

TEST(Positions, TadRopeSteps) {
  // +2 per text token, +1 within a frame, +2 across frames, +2 back to text.
  EXPECT_EQ(ids_of("tad-rope", "text:2,video:2x1x2,text:2").t, (Ids{0, 2, 4, 5, 7, 8, 10, 12}));
}

TEST(Positions, TextOnlyIsTheRunningIndexForEveryDesignButTad) {
  for (const std::string& name : method_names()) {
    if (name == "custom" || name == "tad-rope") continue;
    const PositionIds ids = ids_of(name, "text:9");
    EXPECT_EQ(ids.t, range(0, 9)) << name;
    EXPECT_EQ(ids.h, ids.t) << name;
    EXPECT_EQ(ids.w, ids.t) << name;
  }
}

TEST(Positions, FrameOffsetComesFromTheLayoutRule) {
  // frame_offset must agree with the offset read off a whole layout, for every design.
  for (const std::string& name : method_names()) {
    if (name == "custom") continue;
    const Method m = make_method(name);
    const PositionIds ids = assign_positions(m.design, parse_layout("text:3,video:6x2x3"));
    for (std::int64_t frames = 1; frames < 6; ++frames) {
      const Position3 from_layout = ids.at(3 + frames * 6) - ids.at(3);
      EXPECT_EQ(frame_offset(m.design, frames, 2, 3), from_layout) << name << " frames=" << frames;
    }
  }
}

TEST(Positions, FlatteningDistortsLocality) {  // HoPE Proposition 3.1
  const FlatteningDistances d = flattening_distances(8, 24, 32);
  EXPECT_EQ(d.column, 1);
  EXPECT_EQ(d.row, 32);
  EXPECT_EQ(d.frame, 24 * 32);
}

TEST(Layout, Parsing) {
  const Layout l = parse_layout("text:3, image:4x5 ,video:2x3x4");
  ASSERT_EQ(l.size(), 3u);
  EXPECT_EQ(l[1].kind, SegmentKind::image);
  EXPECT_EQ(l[2].token_count(), 24);
  EXPECT_EQ(token_count(l), 3 + 20 + 24);
  for (const char* bad : {"", "text", "text:", "text:-3", "text:0", "video:3x2", "video:0x2x2", "image:2x2x2",
                          "foo:3", "text:3,", "video:3x2x2x", "text:1e3", "video:99999x99999x99999"}) {
    EXPECT_THROW(parse_layout(bad), InputError) << "'" << bad << "'";
  }
}

TEST(Positions, BadDesignParametersAreInputErrors) {
  MethodOptions o;
  o.gamma = 0.0;
  EXPECT_THROW(make_method("hope", o), InputError);
  o = {};
  o.delta = -2.0;
  EXPECT_THROW(make_method("videorope", o), InputError);
  o = {};
  o.fps = 0.0;
  EXPECT_THROW(make_method("mrope", o), InputError);
  EXPECT_THROW(parse_design("spiral"), InputError);
}

}  // namespace
}  // namespace hopelab
