#include "params/method.h"

#include <algorithm>

#include "theory/input_error.h"
#include "theory/position_design.h"

namespace hopelab::params {

MethodOptions method_options(const MethodParams& p) {
  MethodOptions options;
  if (!p.sections.empty()) options.sections = parse_sections(p.sections);
  options.layout = parse_pair_layout(p.pair_layout);
  options.keep_fraction = p.keep_fraction;
  options.rotary_fraction = p.rotary_fraction;
  options.custom_allocation = p.allocation;
  if (!p.design.empty()) options.design = parse_design(p.design);
  options.gamma = p.gamma;
  options.delta = p.delta;
  if (p.training_seed) options.training_gamma_seed = static_cast<std::uint64_t>(*p.training_seed);
  options.fps = p.fps;
  options.tokens_per_second = p.tokens_per_second;
  options.keep_fractional_time = p.keep_fractional_time;
  options.time_convention = parse_time_convention(p.time_convention);
  options.timestamp_tokens = p.timestamp_tokens;
  options.spatial_reset = p.spatial_reset;
  options.visual_step = p.visual_step;
  options.kv_heads = static_cast<int>(p.kv_heads);
  options.head = static_cast<int>(p.kv_head);
  return options;
}

std::vector<FieldUse> method_option_uses(const MethodParams& p) {
  const std::vector<std::string>& names = method_names();
  if (std::find(names.begin(), names.end(), p.method) == names.end()) return {};
  const MethodParams defaults;
  const DesignKind design = p.design.empty() ? default_design(p.method).kind : parse_design(p.design);
  const bool hope = is_hope(p.method), diagonal = design == DesignKind::diagonal;
  const bool mhrope = p.method == "mhrope";
  const bool sections = p.method == "mrope" || p.method == "mrope-interleave" || p.method == "qwen3vl" ||
                        p.method == "qwen35" || mhrope || p.method == "videorope" || hope;
  const bool qwen = design == DesignKind::qwen2vl || design == DesignKind::qwen25vl;
  const auto optional_text = [](const auto& v) { return v ? value_text(*v) : std::string(); };
  return with_given({
      {"sections", !p.sections.empty(), sections, p.sections,
       "mrope, mrope-interleave, qwen3vl, qwen35, mhrope, videorope, hope and hope-x"},
      {"keep_fraction", p.keep_fraction != defaults.keep_fraction, p.method == "p-rope", value_text(p.keep_fraction),
       "p-rope"},
      {"rotary_fraction", p.rotary_fraction != defaults.rotary_fraction, p.method == "qwen35",
       value_text(p.rotary_fraction), "qwen35"},
      {"allocation", !p.allocation.empty(), p.method == "custom", p.allocation, "custom"},
      {"gamma", p.gamma.has_value(), hope && diagonal, optional_text(p.gamma),
       "hope and hope-x with the diagonal design"},
      {"training_seed", p.training_seed.has_value(), hope && diagonal, optional_text(p.training_seed),
       "hope and hope-x with the diagonal design"},
      {"delta", p.delta.has_value(), !hope && diagonal, optional_text(p.delta),
       "the diagonal design of methods other than hope and hope-x"},
      {"fps", p.fps != defaults.fps, design == DesignKind::qwen25vl, value_text(p.fps), "the qwen25vl design"},
      {"tokens_per_second", p.tokens_per_second != defaults.tokens_per_second, design == DesignKind::qwen25vl,
       value_text(p.tokens_per_second), "the qwen25vl design"},
      {"keep_fractional_time", p.keep_fractional_time != defaults.keep_fractional_time,
       design == DesignKind::qwen25vl, value_text(p.keep_fractional_time), "the qwen25vl design"},
      {"time_convention", p.time_convention != defaults.time_convention, design == DesignKind::qwen25vl,
       p.time_convention, "the qwen25vl design"},
      {"timestamp_tokens", p.timestamp_tokens != defaults.timestamp_tokens, design == DesignKind::qwen3vl,
       value_text(p.timestamp_tokens), "the qwen3vl design"},
      {"spatial_reset", p.spatial_reset != defaults.spatial_reset, qwen, value_text(p.spatial_reset),
       "the qwen2vl and qwen25vl designs"},
      {"visual_step", p.visual_step != defaults.visual_step, design == DesignKind::v2pe, value_text(p.visual_step),
       "the v2pe design"},
      {"kv_heads", p.kv_heads != defaults.kv_heads, mhrope, value_text(p.kv_heads), "mhrope"},
      {"kv_head", p.kv_head != defaults.kv_head, mhrope, value_text(p.kv_head), "mhrope"},
  }, p.given);
}

void check_method_options_apply(const MethodParams& p) {
  for (const FieldUse& row : method_option_uses(p)) {
    if (row.set && !row.applies) {
      const DesignKind design = p.design.empty() ? default_design(p.method).kind : parse_design(p.design);
      throw InputError(std::string(row.field) + " = " + (row.value.empty() ? "\"\"" : row.value) +
                       " does not apply to method " + p.method + " (" + design_name(design) + " design): only " +
                       row.readers + " read it");
    }
  }
}

std::vector<std::string> fields_not_applying(const MethodParams& p) { return not_applying(method_option_uses(p)); }

Method build_method(const MethodParams& p) {
  check_ranges(p);
  MethodOptions options = method_options(p);
  options.spectrum = {static_cast<int>(p.head_dim), p.base};
  validate(options.spectrum);
  Method method = make_method(p.method, options);
  check_method_options_apply(p);
  return method;
}

}  // namespace hopelab::params
