// Property tests of Huang et al. 2025 (arXiv 2510.23095, "Revisiting Multimodal Positional
// Encoding", section 2.2.3 and its textual priors): under M-RoPE's position design the offset of
// two visual tokens mixes the axes, (dt, dt + dh, dt + dw); with spatial reset it is (dt, dh, dw);
// and MRoPE-Interleave and MHRoPE are exactly vanilla RoPE on text (t = h = w). Every position
// here is an integer below 2^53 or h = y, w = x untouched by arithmetic, so equalities are exact.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <vector>

#include "generators.h"
#include "kernels/rotary.h"
#include "theory/preference.h"
#include "theory/spectrum.h"

namespace hopelab {
namespace {

// A visual token's place: its index in the layout and its frame, row and column in its block.
struct VisualToken {
  std::int64_t index, frame, row, col;
};

std::vector<VisualToken> visual_tokens(const Layout& layout) {
  std::vector<VisualToken> out;
  std::int64_t index = 0;
  for (const Segment& s : layout) {
    if (!s.visual()) {
      index += s.tokens;
      continue;
    }
    for (std::int64_t f = 0; f < s.frames; ++f) {
      for (std::int64_t y = 0; y < s.height; ++y) {
        for (std::int64_t x = 0; x < s.width; ++x) out.push_back({index++, f, y, x});
      }
    }
  }
  return out;
}

// A qwen2vl or qwen25vl design (any fps, tokens per second and time rule).
rc::Gen<PositionDesign> gen_qwen_design(bool truncating_only) {
  return rc::gen::exec([truncating_only] {
    PositionDesign d;
    d.kind = *rc::gen::element(DesignKind::qwen2vl, DesignKind::qwen25vl);
    if (d.kind == DesignKind::qwen25vl) {
      d.fps = *rc::gen::element(0.5, 1.0, 2.0, 3.0, 5.0, 24.0, 29.97);
      d.tokens_per_second = *rc::gen::element(1.0, 2.0, 4.0, 25.0);
      d.keep_fractional_time = !truncating_only && *rc::gen::arbitrary<bool>();
    }
    return d;
  });
}

// A layout with at least one visual block; `images_only` draws images (one frame each, the
// frames of Qwen3-VL's timestamped videos) and text.
rc::Gen<Layout> gen_visual_layout(bool images_only) {
  return rc::gen::exec([images_only] {
    Layout layout = *property::gen_layout();
    Segment visual = *property::gen_segment();
    if (!visual.visual()) {  // make it an image of 1..8 tokens
      visual.kind = SegmentKind::image;
      visual.height = 1 + (visual.tokens - 1) / 2;
      visual.width = 1 + (visual.tokens - 1) % 2;
    }
    layout.push_back(visual);
    if (images_only) {
      for (Segment& s : layout) {
        if (s.visual()) {
          s.kind = SegmentKind::image;
          s.frames = 1;
        }
      }
    }
    return layout;
  });
}

// With spatial reset two visual tokens, in one block or two, are (dt, dh, dw) apart: dh and dw
// the differences of their grid rows and columns, whatever text and blocks lie between. Reset
// moves nothing else: every t, and every text token's h and w, are the design's without it.
RC_GTEST_PROP(SpatialReset, VisualOffsetsAreTheGridOffsets, ()) {
  PositionDesign design = *gen_qwen_design(false);
  const Layout layout = *gen_visual_layout(false);
  const PositionIds plain = assign_positions(design, layout);
  design.spatial_reset = true;
  const PositionIds reset = assign_positions(design, layout);
  const std::vector<VisualToken> visual = visual_tokens(layout);
  const auto n = static_cast<std::int64_t>(visual.size());
  const VisualToken a = visual[static_cast<size_t>(*property::uniform<std::int64_t>(0, n))];
  const VisualToken b = visual[static_cast<size_t>(*property::uniform<std::int64_t>(0, n))];
  const Position3 offset = reset.at(b.index) - reset.at(a.index);
  RC_LOG() << "tokens " << a.index << ", " << b.index << ": offset (" << offset.t << ", " << offset.h << ", "
           << offset.w << ")\n";
  RC_ASSERT(offset.h == static_cast<double>(b.row - a.row));
  RC_ASSERT(offset.w == static_cast<double>(b.col - a.col));
  RC_ASSERT(reset.t == plain.t);
  std::size_t next_visual = 0;
  for (std::int64_t i = 0; i < reset.size(); ++i) {
    if (next_visual < visual.size() && visual[next_visual].index == i) {
      ++next_visual;
      continue;
    }
    RC_ASSERT(reset.at(i) == plain.at(i));  // text
  }
}

// Without reset (M-RoPE's design, Qwen2-VL and Qwen2.5-VL), tokens of images (or of one-frame
// grids) at rows y, columns x are (dt, dt + dy, dt + dx) apart: the temporal offset leaks into
// both spatial axes. The twin of the property above: the same pairs, the mixed vector.
RC_GTEST_PROP(SpatialReset, WithoutResetImageOffsetsMixTheAxes, ()) {
  const PositionDesign design = *gen_qwen_design(true);
  const Layout layout = *gen_visual_layout(true);
  const PositionIds ids = assign_positions(design, layout);
  const std::vector<VisualToken> visual = visual_tokens(layout);
  const auto n = static_cast<std::int64_t>(visual.size());
  const VisualToken a = visual[static_cast<size_t>(*property::uniform<std::int64_t>(0, n))];
  const VisualToken b = visual[static_cast<size_t>(*property::uniform<std::int64_t>(0, n))];
  const Position3 offset = ids.at(b.index) - ids.at(a.index);
  RC_ASSERT(offset.h == offset.t + static_cast<double>(b.row - a.row));
  RC_ASSERT(offset.w == offset.t + static_cast<double>(b.col - a.col));
  // Tokens of two different images are apart in t unless no token lies between their blocks
  // (never: blocks are at least one token long and text resumes past each block).
  if (offset.t != 0) RC_TAG("different images");
}

// Pair angles of a token at `position` (P), from theory's pair_angle and rope_frequency.
std::vector<double> token_angles(const Method& method, const Position3& position) {
  std::vector<double> angles(static_cast<size_t>(method.spectrum.pairs()));
  for (int i = 0; i < method.spectrum.pairs(); ++i) {
    const auto k = static_cast<size_t>(i);
    const double theta = rope_frequency(i, method.spectrum.head_dim, method.spectrum.base);
    angles[k] = pair_angle(axis_component(position, method.allocation.axis[k]), theta, method.allocation.zero[k] != 0);
  }
  return angles;
}

// Textual priors: on a text token (t = h = w = m) MRoPE-Interleave (any valid sections) and every
// MHRoPE head that is not NoPE padding rotate each pair by exactly vanilla RoPE's angle m theta_i,
// so queries and keys, and hence every attention score between text tokens, are vanilla's bit for
// bit (tolerance 0).
RC_GTEST_PROP(TextualPriors, MropeInterleaveAndMhropeAreVanillaOnText, ()) {
  const std::string name = *rc::gen::element<std::string>("mrope-interleave", "mhrope");
  MethodOptions o;
  o.spectrum = {*property::gen_head_dim(), *property::gen_base()};
  o.layout = *rc::gen::element(PairLayout::halves, PairLayout::adjacent);
  if (name == "mhrope") {
    property::gen_mhrope_heads(&o);
    RC_PRE(o.head < o.sections->total());  // a padding head is NoPE, not RoPE
  } else if (*rc::gen::arbitrary<bool>()) {
    o.sections = *property::gen_sections(name, o.spectrum.pairs());
  }
  const Method method = make_method(name, o);
  const Method vanilla = make_method("vanilla", o);  // reads only the spectrum and pair layout
  const double m = *property::gen_coordinate(7);
  const std::vector<double> angles = token_angles(method, {m, m, m});
  RC_ASSERT(angles == token_angles(vanilla, {m, m, m}));
  const int d = o.spectrum.head_dim;
  std::vector<double> x(static_cast<size_t>(d)), out(x.size()), out_vanilla(x.size());
  for (int j = 0; j < d; ++j) x[static_cast<size_t>(j)] = std::ldexp(*property::uniform(-1024, 1025), -8);
  rotate_pairs(x.data(), angles.data(), d, method.allocation.layout, out.data());
  rotate_pairs(x.data(), token_angles(vanilla, {m, m, m}).data(), d, vanilla.allocation.layout, out_vanilla.data());
  RC_ASSERT(out == out_vanilla);
}

// The twin: an MHRoPE padding head, and any visual offset with dt != dh on a head that reads h,
// are not vanilla: the equality above is about text, not a property of every input.
RC_GTEST_PROP(TextualPriors, MhropeDiffersFromVanillaOffText, ()) {
  MethodOptions o;
  o.spectrum = {*property::gen_head_dim(), *property::gen_base()};
  o.sections = AxisSections{0, 1, 0};  // head 0 reads h, head 1 is NoPE
  o.kv_heads = 2;
  o.head = 1;
  const double m = *rc::gen::element(1.0, 7.0, 1000.0);
  const Method vanilla = make_method("vanilla", o);  // reads only the spectrum and pair layout
  const std::vector<double> padding = token_angles(make_method("mhrope", o), {m, m, m});
  RC_ASSERT(padding != token_angles(vanilla, {m, m, m}));
  o.head = 0;
  const std::vector<double> h_head = token_angles(make_method("mhrope", o), {m, 0.0, m});
  RC_ASSERT(h_head != token_angles(vanilla, {m, 0.0, m}));
}

}  // namespace
}  // namespace hopelab
