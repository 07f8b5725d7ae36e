#pragma once
// A method and its options (theory/method.h): the one description of "which rotary embedding"
// used by specs, the command line and results files. build_method turns it into theory's Method.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "params/field.h"
#include "theory/method.h"

namespace hopelab::params {

struct MethodParams {
  std::string method;  // required where a kind reads it
  std::int64_t head_dim = 128;
  double base = 1e6;
  std::string sections;
  std::string pair_layout = "halves";
  double keep_fraction = 0.75;
  double rotary_fraction = 0.25;
  std::string allocation;
  std::string design;
  std::optional<double> gamma;
  std::optional<double> delta;
  std::optional<std::int64_t> training_seed;
  double fps = 1.0;
  double tokens_per_second = 25.0;
  bool keep_fractional_time = false;
  std::string time_convention = "product";
  std::int64_t timestamp_tokens = 6;
  bool spatial_reset = false;
  double visual_step = 1.0 / 16.0;
  std::int64_t kv_heads = 8;
  std::int64_t kv_head = 0;
  // Not a field: the fields a spec or the command line wrote (mark_given), each refused where it
  // does not apply whatever its value (method_option_uses).
  GivenFields given;
};

template <class V>
void visit_fields(MethodParams& p, V&& v) {
  v(Field{"method", "", words("vanilla, mrope, mrope-interleave, qwen3vl, qwen35, mhrope, videorope, hope, hope-x, p-rope, nope, v2pe, tad-rope, custom"),
          "the rotary method (docs/references.md)"},
    p.method);
  v(Field{"head_dim", "1", closed(0, 1 << 20), "head dimension d (even)"}, p.head_dim);
  v(Field{"base", "1", above(1), "RoPE base b"}, p.base);
  v(Field{"sections", "pair", words("\"t,h,w\""), "pairs per axis (default: the preset's, scaled to d/2; qwen35: to its r/2 rotating pairs); mhrope: KV heads per axis (default 2,3,3)"},
    p.sections);
  v(Field{"pair_layout", "", words("halves, adjacent"), "halves (HF rotate_half) or adjacent (RoFormer)"},
    p.pair_layout);
  v(Field{"keep_fraction", "1", closed(0, 1), "p-rope: fraction p of frequencies kept"}, p.keep_fraction);
  v(Field{"rotary_fraction", "1", closed(0, 1),
          "qwen35: fraction r/d of each head's dimensions that rotate (partial_rotary_factor); the rest are zero-frequency pairs"},
    p.rotary_fraction);
  v(Field{"allocation", "", words("\"t:48-63;h:0-46:2;w:1-47:2;zero:48-63\""), "custom: which axis each pair reads"},
    p.allocation);
  v(Field{"design", "", words("flat, qwen2vl, qwen25vl, qwen3vl, diagonal, v2pe, tad"), "position design override"},
    p.design);
  v(Field{"gamma", "1", above(0), "HoPE temporal scale gamma (default 1)"}, p.gamma);
  v(Field{"delta", "position", above(0), "VideoRoPE temporal spacing delta (default 2)"}, p.delta);
  v(Field{"training_seed", "1", at_least(0), "HoPE training mode: one gamma per video from {0.5,0.75,1,1.25,1.5}, seeded"},
    p.training_seed);
  v(Field{"fps", "1/s", above(0), "qwen25vl: frames per second"}, p.fps);
  v(Field{"tokens_per_second", "1/s", above(0), "qwen25vl: temporal ids per second"}, p.tokens_per_second);
  v(Field{"keep_fractional_time", "1", any(), "qwen25vl: keep fractional t instead of the reference's truncation"},
    p.keep_fractional_time);
  v(Field{"time_convention", "", words("product, transformers-4.57"),
          "qwen25vl: product truncates f (patch/fps) tokens_per_second; transformers-4.57 truncates patch/fps first"},
    p.time_convention);
  v(Field{"timestamp_tokens", "token", closed(0, static_cast<double>(kMaxTimestampTokens)),
          "qwen3vl: text tokens of one <t seconds> timestamp before each frame group"},
    p.timestamp_tokens);
  v(Field{"spatial_reset", "1", any(),
          "qwen2vl, qwen25vl: visual h, w are the block's own grid coordinates (Huang et al. 2025)"},
    p.spatial_reset);
  v(Field{"visual_step", "position", above(0), "v2pe: position step of a visual token"}, p.visual_step);
  v(Field{"kv_heads", "1", closed(1, 1 << 16), "mhrope: number of KV heads (heads past the sections are NoPE)"},
    p.kv_heads);
  v(Field{"kv_head", "1", closed(0, 1 << 16), "mhrope: the KV head described, 0 .. kv_heads-1"}, p.kv_head);
}

// theory's options of these fields, all but the spectrum (head_dim and base). Throws InputError
// naming a bad value.
MethodOptions method_options(const MethodParams& p);
// theory's Method of these options. Throws InputError naming a bad value, or an option the
// method does not read (check_method_options_apply).
Method build_method(const MethodParams& p);

// Records the fields of p that a spec's run or the command line wrote (MethodParams::given).
inline void mark_given(MethodParams& p, GivenFields given) { p.given = std::move(given); }

// The rule for options that do not apply, one row per option that only some methods read
// (docs/usage.md "Options that do not apply"), each set when given (p.given) or other than its
// default; empty for an unknown method. sections:
// mrope, mrope-interleave, qwen3vl, qwen35, mhrope, videorope, hope, hope-x; keep_fraction: p-rope;
// rotary_fraction: qwen35; allocation: custom;
// gamma and training_seed: hope and hope-x with the diagonal design; delta: the diagonal design
// of the other methods; fps, tokens_per_second, keep_fractional_time, time_convention: the qwen25vl design;
// timestamp_tokens: the qwen3vl design;
// spatial_reset: the qwen2vl and qwen25vl designs; visual_step: the v2pe design; kv_heads and
// kv_head: mhrope. Throws InputError for a bad design.
std::vector<FieldUse> method_option_uses(const MethodParams& p);

// Refuses an option set (given, or other than its default) that does not apply
// (method_option_uses), naming the option, its value, the method and who reads it. An unknown
// method is left to the method's builder to name.
void check_method_options_apply(const MethodParams& p);

// The options of p that its method and design do not read (method_option_uses): left at their
// defaults (check_method_options_apply), so a results file leaves them out.
std::vector<std::string> fields_not_applying(const MethodParams& p);

}  // namespace hopelab::params
