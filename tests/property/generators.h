#pragma once
// rapidcheck generators of VALID inputs for the theory layer's property tests: head dims, bases,
// named methods (user sections within each preset's constraints, custom allocation specs),
// offsets, layouts, position designs and temporal scales. make_method, assign_positions and
// frame_offset accept everything generated here. Integer draws are scaled by rapidcheck's size
// (small first) and shrink towards the smallest valid value, so counterexamples come out small.

#include <rapidcheck.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "theory/layout.h"
#include "theory/method.h"
#include "theory/position_design.h"

namespace hopelab {

// How rapidcheck prints the theory's value types in a counterexample (found by ADL).
inline void showValue(const Position3& p, std::ostream& os) {
  os.precision(17);
  os << "(t " << p.t << ", h " << p.h << ", w " << p.w << ")";
}
inline void showValue(const Segment& s, std::ostream& os) {
  if (s.kind == SegmentKind::text) os << "text:" << s.tokens;
  else if (s.kind == SegmentKind::image) os << "image:" << s.height << "x" << s.width;
  else os << "video:" << s.frames << "x" << s.height << "x" << s.width;
}
inline void showValue(const PositionDesign& d, std::ostream& os) {
  os.precision(17);
  os << design_name(d.kind) << " (temporal_step " << d.temporal_step << ", fps " << d.fps << ", tokens/s "
     << d.tokens_per_second << (d.keep_fractional_time ? ", fractional time" : "") << ", time convention "
     << time_convention_name(d.time_convention) << ", visual_step "
     << d.visual_step;
  if (d.kind == DesignKind::qwen3vl) os << ", timestamp tokens " << d.timestamp_tokens;
  if (d.training_gamma_seed) os << ", training seed " << *d.training_gamma_seed;
  os << ")";
}

namespace property {

// The HoPE training set Gamma plus VideoRoPE's delta = 2: the temporal scales the papers use.
constexpr double kPaperTemporalScales[] = {0.5, 0.75, 1.0, 1.25, 1.5, 2.0};

// An integer uniform on [lo, hi) at every rapidcheck size (gen::inRange alone narrows the range
// at small sizes, towards lo); it still shrinks towards lo.
template <typename T>
rc::Gen<T> uniform(T lo, T hi) {
  return rc::gen::resize(100, rc::gen::inRange<T>(lo, hi));
}

// A named method and the options make_method gets; printable as a counterexample.
struct MethodCase {
  std::string name;
  MethodOptions options;

  Method make() const { return make_method(name, options); }
  int pairs() const { return options.spectrum.pairs(); }
};

inline void showValue(const MethodCase& c, std::ostream& os) {
  const MethodOptions& o = c.options;
  os.precision(17);
  os << c.name << " d=" << o.spectrum.head_dim << " base=" << o.spectrum.base << " layout="
     << pair_layout_name(o.layout);
  if (o.sections) os << " sections=" << o.sections->t << "," << o.sections->h << "," << o.sections->w;
  if (c.name == "p-rope") os << " keep=" << o.keep_fraction;
  if (!o.custom_allocation.empty()) os << " allocation=\"" << o.custom_allocation << "\"";
  if (o.design) os << " design=" << design_name(*o.design);
  if (o.gamma) os << " gamma=" << *o.gamma;
  if (o.delta) os << " delta=" << *o.delta;
  if (c.name == "mhrope") os << " kv_heads=" << o.kv_heads << " head=" << o.head;
  if (o.spatial_reset) os << " spatial_reset";
  if (c.name == "qwen3vl" || c.name == "qwen35") os << " timestamp_tokens=" << o.timestamp_tokens;
  if (c.name == "qwen35") os << " rotary_fraction=" << o.rotary_fraction;
}

// An even head dim d in [2, 2 max_pairs], i.e. P = d/2 in [1, max_pairs] (default 128).
inline rc::Gen<int> gen_head_dim(int max_pairs = 128) {
  return rc::gen::map(rc::gen::inRange(1, max_pairs + 1), [](int pairs) { return 2 * pairs; });
}

// A base b in (1, 1e9]: b = 10^(9k/2^20), k in [1, 2^20] (log-uniform), or one of the bases
// real models use (Llama-2 1e4, Qwen2 1e6, Qwen3-VL 5e6) and b = 10.
inline rc::Gen<double> gen_base() {
  constexpr int kSteps = 1 << 20;
  return rc::gen::weightedOneOf<double>(
      {{1, rc::gen::element(10.0, 1e4, 1e6, 5e6)},
       {3, rc::gen::map(uniform(1, kSteps + 1),
                        [](int k) { return std::pow(10.0, 9.0 * k / kSteps); })}});
}

// A temporal scale (HoPE gamma, VideoRoPE delta): a paper value, or k/1000 in (0, 4] (mostly
// not exact in binary, so positions built from it carry rounding).
inline rc::Gen<double> gen_temporal_scale() {
  return rc::gen::weightedOneOf<double>(
      {{1, rc::gen::elementOf(std::vector<double>(std::begin(kPaperTemporalScales), std::end(kPaperTemporalScales)))},
       {1, rc::gen::map(uniform(1, 4001), [](int k) { return k / 1000.0; })}});
}

// Sections [t, h, w] summing to P that `name`'s allocator accepts. MRoPE-Interleave needs
// 3h <= P + 1 and 3w <= P (pairs 1 + 3k and 2 + 3k must exist); the others take any split.
// qwen35's interleave is over its rotating pairs: pass R as `pairs`.
inline rc::Gen<AxisSections> gen_sections(const std::string& name, int pairs) {
  return rc::gen::exec([name, pairs] {
    AxisSections s;
    if (name == "mrope-interleave" || name == "qwen3vl" || name == "qwen35") {
      s.h = *uniform(0, (pairs + 1) / 3 + 1);
      s.w = *uniform(0, pairs / 3 + 1);
    } else {  // two cut points of 0..P
      s.h = *uniform(0, pairs + 1);
      s.w = *uniform(0, pairs - s.h + 1);
    }
    s.t = pairs - s.h - s.w;
    return s;
  });
}

// Writes a custom allocation spec, "t:0,3;h:1;w:2;zero:0,3", from one axis per pair and zero flags.
inline std::string custom_spec(const std::vector<Axis>& axis, const std::vector<int>& zero) {
  std::string spec;
  const auto item = [&](const std::string& key, auto&& selected) {
    std::string list;
    for (size_t i = 0; i < axis.size(); ++i) {
      if (selected(i)) list += (list.empty() ? "" : ",") + std::to_string(i);
    }
    if (!list.empty()) spec += (spec.empty() ? "" : ";") + key + ":" + list;
  };
  for (Axis a : kAxes) item(axis_name(a), [&](size_t i) { return axis[i] == a; });
  item("zero", [&](size_t i) { return zero[i] != 0; });
  return spec;
}

// A custom allocation over P pairs: a random axis per pair and a random subset of zero pairs.
inline rc::Gen<std::string> gen_custom_spec(int pairs) {
  return rc::gen::exec([pairs] {
    const auto axis = *rc::gen::container<std::vector<Axis>>(
        static_cast<size_t>(pairs), rc::gen::element(Axis::t, Axis::h, Axis::w));
    const auto zero = *rc::gen::container<std::vector<int>>(static_cast<size_t>(pairs), rc::gen::element(0, 1));
    return custom_spec(axis, zero);
  });
}

// MHRoPE's head sections of kv_heads in [1, 16] (three cut points, so some heads may be NoPE
// padding) and a head among them.
inline void gen_mhrope_heads(MethodOptions* o) {
  o->kv_heads = *uniform(1, 17);
  AxisSections s;
  s.t = *uniform(0, o->kv_heads + 1);
  s.h = *uniform(0, o->kv_heads - s.t + 1);
  s.w = *uniform(0, o->kv_heads - s.t - s.h + 1);
  o->sections = s;
  o->head = *uniform(0, o->kv_heads);
}

// qwen35's rotary fraction R/P for R rotating pairs in [fewest, most], fewest the least R whose
// base b^(P/R) stays finite (R >= P log10(b) / 300, at most 0.03 P for b <= 1e9), and sections
// of them (or the default).
inline void gen_partial_rotary(MethodOptions* o, int most) {
  const int pairs = o->spectrum.pairs();
  const int fewest = static_cast<int>(std::ceil(pairs * std::log10(o->spectrum.base) / 300.0));
  const int rotating = *uniform(std::min(fewest, most), most + 1);
  o->rotary_fraction = static_cast<double>(rotating) / pairs;
  if (*rc::gen::arbitrary<bool>()) o->sections = *gen_sections("qwen35", rotating);
}

// Any method by name at a random d (P <= max_pairs) and base, with valid sections (or the
// preset's), a p-RoPE keep fraction, a qwen35 rotary fraction, a custom allocation, MHRoPE's
// heads, a pair layout, and gamma / delta. Designs are the presets'.
inline rc::Gen<MethodCase> gen_method(int max_pairs = 128) {
  return rc::gen::exec([max_pairs] {
    MethodCase c;
    c.name = *rc::gen::elementOf(method_names());
    MethodOptions& o = c.options;
    o.spectrum.head_dim = *gen_head_dim(max_pairs);
    o.spectrum.base = *gen_base();
    o.layout = *rc::gen::element(PairLayout::halves, PairLayout::adjacent);
    const int pairs = o.spectrum.pairs();
    const bool has_sections = c.name == "mrope" || c.name == "mrope-interleave" || c.name == "qwen3vl" ||
                              c.name == "videorope" || c.name == "hope" || c.name == "hope-x";
    if (has_sections && *rc::gen::arbitrary<bool>()) o.sections = *gen_sections(c.name, pairs);
    if (c.name == "p-rope") o.keep_fraction = *uniform(0, 1001) / 1000.0;
    if (c.name == "custom") o.custom_allocation = *gen_custom_spec(pairs);
    if (c.name == "mhrope" && *rc::gen::arbitrary<bool>()) gen_mhrope_heads(&o);
    if (c.name == "hope" || c.name == "hope-x") o.gamma = *gen_temporal_scale();
    if (c.name == "videorope") o.delta = *gen_temporal_scale();
    if (c.name == "qwen3vl" || c.name == "qwen35") o.timestamp_tokens = *uniform(0, 13);
    if (c.name == "qwen35") gen_partial_rotary(&o, pairs);
    return c;
  });
}

// A method whose zero-frequency pairs are at least as many as its rotating pairs (HoPE-X's
// condition): hope / hope-x with t >= h + w, p-RoPE keeping at most half, qwen35 rotating at most
// half (r/d <= 1/2), or a custom allocation with at least ceil(P/2) zero pairs.
inline rc::Gen<MethodCase> gen_zero_heavy_method() {
  return rc::gen::exec([] {
    MethodCase c;
    c.name = *rc::gen::elementOf(std::vector<std::string>{"hope-x", "hope", "p-rope", "qwen35", "custom"});
    MethodOptions& o = c.options;
    o.spectrum.head_dim = *gen_head_dim();
    o.spectrum.base = *gen_base();
    const int pairs = o.spectrum.pairs();
    const int half_up = (pairs + 1) / 2;
    if (c.name == "hope-x" || c.name == "hope") {
      AxisSections s;
      s.t = *uniform(half_up, pairs + 1);
      s.h = *uniform(0, pairs - s.t + 1);
      s.w = pairs - s.t - s.h;
      o.sections = s;
      o.gamma = *gen_temporal_scale();
    } else if (c.name == "p-rope") {
      o.keep_fraction = *uniform(0, 501) / 1000.0;  // floor(pP) <= P/2 kept
    } else if (c.name == "qwen35") {
      gen_partial_rotary(&o, pairs / 2);  // R <= P/2 rotating
    } else {
      const auto axis = *rc::gen::container<std::vector<Axis>>(
          static_cast<size_t>(pairs), rc::gen::element(Axis::t, Axis::h, Axis::w));
      // Zero pairs: a random subset, then the lowest-index rotating pairs until ceil(P/2).
      auto zero = *rc::gen::container<std::vector<int>>(static_cast<size_t>(pairs), rc::gen::element(0, 1));
      int count = 0;
      for (int z : zero) count += z;
      for (size_t i = 0; i < zero.size() && count < half_up; ++i) {
        if (!zero[i]) {
          zero[i] = 1;
          ++count;
        }
      }
      o.custom_allocation = custom_spec(axis, zero);
    }
    return c;
  });
}

// Per-dimension variances s2_j in [0, 4] (multiples of 1/1024, exact), d of them.
inline rc::Gen<std::vector<double>> gen_variances(int head_dim) {
  return rc::gen::container<std::vector<double>>(
      static_cast<size_t>(head_dim), rc::gen::map(uniform(0, 4097), [](int k) { return k / 1024.0; }));
}

// One position or offset component: 0 (one draw in four), else +-10^x with x uniform in
// [-2, max_exponent] (log-uniform magnitude), either kept fractional or rounded to an integer.
inline rc::Gen<double> gen_coordinate(double max_exponent) {
  constexpr int kSteps = 1 << 20;
  return rc::gen::exec([max_exponent] {
    if (*rc::gen::element(0, 1, 2, 3) == 0) return 0.0;
    const int k = *uniform(0, kSteps + 1);
    const double magnitude = std::pow(10.0, -2.0 + (max_exponent + 2.0) * k / kSteps);
    const bool integer = *rc::gen::arbitrary<bool>();
    const double sign = *rc::gen::arbitrary<bool>() ? -1.0 : 1.0;
    return sign * (integer ? std::round(magnitude) : magnitude);
  });
}

// An offset (or a position) (t, h, w): independent components, or a text offset (m, m, m).
inline rc::Gen<Position3> gen_offset(double max_exponent) {
  return rc::gen::exec([max_exponent] {
    const double t = *gen_coordinate(max_exponent);
    if (*rc::gen::element(0, 1, 2, 3) == 0) return Position3{t, t, t};
    return Position3{t, *gen_coordinate(max_exponent), *gen_coordinate(max_exponent)};
  });
}

// A non-negative integer distance: |gen_coordinate| rounded (0 one draw in four, or below 0.5).
inline rc::Gen<double> gen_distance(double max_exponent) {
  return rc::gen::map(gen_coordinate(max_exponent), [](double c) { return std::round(std::fabs(c)); });
}

// One segment with small sizes: text:1..8, image:(1..4)x(1..4), video:(1..4)x(1..4)x(1..4).
inline rc::Gen<Segment> gen_segment() {
  return rc::gen::exec([] {
    Segment s;
    s.kind = *rc::gen::element(SegmentKind::text, SegmentKind::image, SegmentKind::video);
    if (s.kind == SegmentKind::text) {
      s.tokens = *rc::gen::inRange<std::int64_t>(1, 9);
    } else {
      s.frames = s.kind == SegmentKind::video ? *rc::gen::inRange<std::int64_t>(1, 5) : 1;
      s.height = *rc::gen::inRange<std::int64_t>(1, 5);
      s.width = *rc::gen::inRange<std::int64_t>(1, 5);
    }
    return s;
  });
}

// A layout of 1..5 segments.
inline rc::Gen<Layout> gen_layout() {
  return rc::gen::exec([] {
    const auto n = static_cast<size_t>(*rc::gen::inRange(1, 6));
    return *rc::gen::container<Layout>(n, gen_segment());
  });
}

// A position design of any kind with valid parameters: diagonal step from gen_temporal_scale
// (and HoPE's training mode when `allow_training`), qwen25vl fps / tokens per second, either
// time rule and either time convention, qwen3vl timestamp tokens in [0, 12], v2pe visual step 1/2^k or k/1000.
inline rc::Gen<PositionDesign> gen_design(bool allow_training) {
  return rc::gen::exec([allow_training] {
    PositionDesign d;
    d.kind = *rc::gen::element(DesignKind::flat, DesignKind::qwen2vl, DesignKind::qwen25vl, DesignKind::qwen3vl,
                               DesignKind::diagonal, DesignKind::v2pe, DesignKind::tad);
    if (d.kind == DesignKind::diagonal) {
      d.temporal_step = *gen_temporal_scale();
      if (allow_training && *rc::gen::element(0, 1, 2, 3) == 0) {
        d.training_gamma_seed = *rc::gen::arbitrary<std::uint64_t>();
      }
    }
    if (d.kind == DesignKind::qwen25vl) {
      d.fps = *rc::gen::element(0.5, 1.0, 2.0, 3.0, 5.0, 24.0, 29.97);
      d.tokens_per_second = *rc::gen::element(1.0, 2.0, 4.0, 25.0);
      d.keep_fractional_time = *rc::gen::arbitrary<bool>();
      d.time_convention = *rc::gen::element(TimeConvention::product, TimeConvention::transformers_4_57);
    }
    if (d.kind == DesignKind::qwen3vl) d.timestamp_tokens = *uniform(0, 13);
    if (d.kind == DesignKind::v2pe) {
      d.visual_step = *rc::gen::arbitrary<bool>() ? std::ldexp(1.0, -*uniform(0, 9))
                                                  : *uniform(1, 1001) / 1000.0;
    }
    return d;
  });
}

}  // namespace property
}  // namespace hopelab
