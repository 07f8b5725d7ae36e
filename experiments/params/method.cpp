#include "params/method.h"

#include "theory/input_error.h"

namespace hopelab::params {

MethodOptions method_options(const MethodParams& p) {
  MethodOptions options;
  if (!p.sections.empty()) options.sections = parse_sections(p.sections);
  options.layout = parse_pair_layout(p.pair_layout);
  options.keep_fraction = p.keep_fraction;
  options.custom_allocation = p.allocation;
  if (!p.design.empty()) options.design = parse_design(p.design);
  options.gamma = p.gamma;
  options.delta = p.delta;
  if (p.training_seed) options.training_gamma_seed = static_cast<std::uint64_t>(*p.training_seed);
  options.fps = p.fps;
  options.tokens_per_second = p.tokens_per_second;
  options.keep_fractional_time = p.keep_fractional_time;
  options.visual_step = p.visual_step;
  return options;
}

Method build_method(const MethodParams& p) {
  check_ranges(p);
  MethodOptions options = method_options(p);
  options.spectrum = {static_cast<int>(p.head_dim), p.base};
  validate(options.spectrum);
  return make_method(p.method, options);
}

}  // namespace hopelab::params
