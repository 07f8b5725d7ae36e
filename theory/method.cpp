#include "theory/method.h"

#include <algorithm>
#include <cmath>

#include "theory/input_error.h"

namespace hopelab {

const std::vector<std::string>& method_names() {
  static const std::vector<std::string> names = {"vanilla", "mrope",  "mrope-interleave", "qwen3vl", "qwen35",
                                                 "mhrope", "videorope", "hope", "hope-x", "p-rope",
                                                 "nope",    "v2pe",   "tad-rope",  "custom"};
  return names;
}

AxisSections default_sections(const std::string& name, int pairs) {
  AxisSections s;
  if (name == "mhrope") return AxisSections{2, 3, 3};  // KV heads on t, h, w (of 8)
  if (name == "qwen35") {  // [11, 11, 10] at R = 32 rotating pairs, clamped to fit an interleave
    s.h = std::min((pairs * 11) / 32, (pairs + 1) / 3);
    s.w = std::min((pairs * 10) / 32, pairs / 3);
    s.t = pairs - s.h - s.w;
    return s;
  }
  if (name == "mrope-interleave" || name == "qwen3vl") {  // [24, 20, 20] at P = 64
    s.h = s.w = (pairs * 20) / 64;
    s.t = pairs - s.h - s.w;
  } else if (name == "hope-x") {  // [32, 16, 16]: half the pairs temporal (zero)
    s.t = pairs / 2;
    s.h = (pairs - s.t + 1) / 2;
    s.w = pairs - s.t - s.h;
  } else {  // mrope, videorope, hope: [16, 24, 24]; t = P - floor(3P/4), so that HoPE on text is
            // exactly p-RoPE with p = 0.75 at every P
    s.t = pairs - (3 * pairs) / 4;
    s.h = (pairs - s.t + 1) / 2;
    s.w = pairs - s.t - s.h;
  }
  return s;
}

PositionDesign default_design(const std::string& name) {
  PositionDesign d;
  if (name == "mrope" || name == "mrope-interleave" || name == "mhrope" || name == "custom") d.kind = DesignKind::qwen2vl;
  if (name == "videorope") {
    d.kind = DesignKind::diagonal;
    d.temporal_step = 2.0;  // VideoRoPE's delta
  }
  if (name == "hope" || name == "hope-x") {
    d.kind = DesignKind::diagonal;
    d.temporal_step = 1.0;  // HoPE's gamma at inference
  }
  if (name == "qwen3vl" || name == "qwen35") d.kind = DesignKind::qwen3vl;
  if (name == "v2pe") d.kind = DesignKind::v2pe;
  if (name == "tad-rope") d.kind = DesignKind::tad;
  return d;
}

bool is_hope(const std::string& name) { return name == "hope" || name == "hope-x"; }

Method make_method(const std::string& name, const MethodOptions& options) {
  const auto& names = method_names();
  if (std::find(names.begin(), names.end(), name) == names.end()) {
    throw InputError("unknown method '" + name +
                     "' (vanilla, mrope, mrope-interleave, qwen3vl, qwen35, mhrope, videorope, hope, hope-x, p-rope, "
                     "nope, v2pe, tad-rope, custom)");
  }
  validate(options.spectrum);
  const int pairs = options.spectrum.pairs();
  // qwen35's sections and frequencies are over its R rotating pairs, every other method's over P.
  const int rotating =
      name == "qwen35" ? fraction_of_pairs(pairs, options.rotary_fraction, "qwen35 rotary fraction") : pairs;
  const AxisSections sections = options.sections.value_or(default_sections(name, rotating));

  Method m;
  m.name = name;
  m.spectrum = options.spectrum;
  if (name == "qwen35") {
    if (sections.t < 0 || sections.h < 0 || sections.w < 0 || sections.total() != rotating) {
      throw InputError("qwen35 sections [" + std::to_string(sections.t) + "," + std::to_string(sections.h) + "," +
                       std::to_string(sections.w) + "] must be non-negative and sum to the rotating pairs r/2 = " +
                       std::to_string(rotating) + " (floor(rotary_fraction * d/2))");
    }
    m.allocation = append_unrotated_pairs(
        rotating > 0 ? allocate_mrope_interleave(rotating, sections) : FrequencyAllocation{}, pairs);
    if (rotating > 0 && rotating < pairs) {
      m.spectrum.base = partial_rotary_base(options.spectrum.base, options.spectrum.head_dim, 2 * rotating);
    }
  } else if (name == "mrope") m.allocation = allocate_mrope(pairs, sections);
  else if (name == "mrope-interleave" || name == "qwen3vl") m.allocation = allocate_mrope_interleave(pairs, sections);
  else if (name == "mhrope") m.allocation = allocate_mhrope(pairs, sections, options.kv_heads, options.head);
  else if (name == "videorope") m.allocation = allocate_videorope(pairs, sections);
  else if (is_hope(name)) m.allocation = allocate_hope(pairs, sections);
  else if (name == "p-rope") m.allocation = allocate_p_rope(pairs, options.keep_fraction);
  else if (name == "nope") m.allocation = allocate_p_rope(pairs, 0.0);  // NoPE: every pair at zero frequency
  else if (name == "custom") {
    if (options.custom_allocation.empty()) {
      throw InputError("method 'custom' needs an allocation spec (e.g. \"t:0-15;h:16-39;w:40-63\")");
    }
    m.allocation = parse_custom_allocation(pairs, options.custom_allocation);
  } else m.allocation = allocate_vanilla(pairs);  // vanilla, v2pe, tad-rope
  m.allocation.layout = options.layout;

  m.design = default_design(name);
  if (options.design) m.design.kind = *options.design;
  if (options.delta && !is_hope(name)) m.design.temporal_step = *options.delta;
  if (options.gamma && is_hope(name)) m.design.temporal_step = *options.gamma;
  if (options.training_gamma_seed && is_hope(name)) m.design.training_gamma_seed = options.training_gamma_seed;
  m.design.fps = options.fps;
  m.design.tokens_per_second = options.tokens_per_second;
  m.design.keep_fractional_time = options.keep_fractional_time;
  m.design.time_convention = options.time_convention;
  m.design.timestamp_tokens = options.timestamp_tokens;
  m.design.spatial_reset = options.spatial_reset;
  m.design.visual_step = options.visual_step;
  validate(m.design);
  return m;
}

}  // namespace hopelab
