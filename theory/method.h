#pragma once
// A method = spectrum + frequency allocation + position design. Named methods:
//   vanilla, mrope, mrope-interleave, qwen3vl, qwen35, mhrope, videorope, hope, hope-x, p-rope, nope, v2pe,
//   tad-rope, custom. mhrope describes one KV head (`head`): its sections count heads, not pairs. qwen3vl is
//   Qwen3-VL: mrope-interleave's allocation with the qwen3vl design (textual timestamps). qwen35 is
//   Qwen3.5: a partial rotary (R = floor(rotary_fraction * d/2) pairs rotate, at b^(-2i/r), r = 2R),
//   mrope-interleave's allocation over those R pairs (sections sum to R), the other d/2 - R pairs
//   unrotated (zero frequency, axis t; all of them when R = 0, as transformers leaves a head whose
//   int(d * fraction) is 0), and the qwen3vl design.
// Presets are generalised from d = 128 to any even d (sections scaled, see make_method) and
// accept user sections; `design` overrides any method's position design.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "theory/allocation.h"
#include "theory/position_design.h"
#include "theory/spectrum.h"

namespace hopelab {

struct MethodOptions {
  Spectrum spectrum;
  std::optional<AxisSections> sections;          // default: the preset's, scaled to d/2 (mhrope: heads)
  double keep_fraction = 0.75;                   // p-rope
  double rotary_fraction = 0.25;                 // qwen35: fraction r/d of dimensions that rotate
  PairLayout layout = PairLayout::halves;
  std::string custom_allocation;                 // custom: see parse_custom_allocation
  std::optional<DesignKind> design;              // override; custom defaults to qwen2vl
  std::optional<double> gamma;                   // HoPE temporal scale (default 1)
  std::optional<double> delta;                   // VideoRoPE temporal spacing (default 2)
  std::optional<std::uint64_t> training_gamma_seed;  // HoPE training mode (gamma drawn from Gamma)
  double fps = 1.0;                              // qwen25vl
  double tokens_per_second = 25.0;               // qwen25vl
  bool keep_fractional_time = false;             // qwen25vl
  TimeConvention time_convention = TimeConvention::product;  // qwen25vl
  std::int64_t timestamp_tokens = 6;             // qwen3vl: text tokens of one timestamp
  bool spatial_reset = false;                    // qwen2vl, qwen25vl: visual h, w without the cursor
  int kv_heads = 8;                              // mhrope: KV heads
  int head = 0;                                  // mhrope: the KV head described
  double visual_step = 1.0 / 16.0;               // v2pe
};

struct Method {
  std::string name;
  Spectrum spectrum;  // the one every engine reads; qwen35: base b^(d/r) (partial_rotary_base)
  FrequencyAllocation allocation;
  PositionDesign design;
};

const std::vector<std::string>& method_names();
// Default [t, h, w] sections of a preset at P pairs (the d = 128 values scaled); mhrope's are
// heads, [2, 3, 3] at any P; qwen35's count its R rotating pairs (pass R): Qwen3.5's [11, 11, 10]
// at R = 32 scaled, h = min(floor(11R/32), floor((R+1)/3)), w = min(floor(10R/32), floor(R/3)), t
// the rest.
AxisSections default_sections(const std::string& name, int pairs);
// The position design a named method uses unless `design` overrides it.
PositionDesign default_design(const std::string& name);
// hope or hope-x: the methods whose temporal step is gamma (else delta).
bool is_hope(const std::string& name);
// Throws InputError naming an unknown method or a bad option.
Method make_method(const std::string& name, const MethodOptions& options = {});

}  // namespace hopelab
