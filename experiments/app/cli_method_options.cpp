#include "cli_method_options.h"

#include "theory/input_error.h"
#include "theory/text_parse.h"

namespace hopelab::cli {

void add_spectrum_options(CLI::App& command, MethodArgs& args) {
  command.add_option("--head-dim", args.head_dim, "head dimension d (even)")->capture_default_str();
  command.add_option("--base", args.base, "RoPE base b (> 1)")->capture_default_str();
}

void add_method_options(CLI::App& command, MethodArgs& args, bool method_required) {
  auto* method = command.add_option("--method", args.method,
                                    "vanilla, mrope, mrope-interleave, videorope, hope, hope-x, "
                                    "p-rope, v2pe, tad-rope or custom");
  if (method_required) method->required();
  add_spectrum_options(command, args);
  command.add_option("--sections", args.sections, "pairs per axis t,h,w (default: the preset's, scaled to d/2)");
  command.add_option("--pair-layout", args.pair_layout, "halves (HF rotate_half) or adjacent (RoFormer)")
      ->capture_default_str();
  command.add_option("--keep-fraction", args.keep_fraction, "p-rope: fraction p of frequencies kept")
      ->capture_default_str();
  command.add_option("--allocation", args.allocation, "custom: e.g. \"t:48-63;h:0-46:2;w:1-47:2;zero:48-63\"");
  command.add_option("--design", args.design, "position design override: flat, qwen2vl, qwen25vl, diagonal, v2pe, tad");
  command.add_option("--gamma", args.gamma, "HoPE temporal scale gamma (default 1)");
  command.add_option("--delta", args.delta, "VideoRoPE temporal spacing delta (default 2)");
  command.add_option("--training-seed", args.training_seed,
                     "HoPE training mode: one gamma per video from {0.5,0.75,1,1.25,1.5}, seeded");
  command.add_option("--fps", args.fps, "qwen25vl: frames per second")->capture_default_str();
  command.add_option("--tokens-per-second", args.tokens_per_second, "qwen25vl: temporal ids per second")
      ->capture_default_str();
  command.add_flag("--keep-fractional-time", args.keep_fractional_time,
                   "qwen25vl: keep fractional t instead of the reference's truncation");
  command.add_option("--visual-step", args.visual_step, "v2pe: position step of a visual token")
      ->capture_default_str();
}

Method build_method(const MethodArgs& args) {
  MethodOptions options;
  options.spectrum = {args.head_dim, args.base};
  validate(options.spectrum);
  if (!args.sections.empty()) options.sections = parse_sections(args.sections);
  options.layout = parse_pair_layout(args.pair_layout);
  options.keep_fraction = args.keep_fraction;
  options.custom_allocation = args.allocation;
  if (!args.design.empty()) options.design = parse_design(args.design);
  options.gamma = args.gamma;
  options.delta = args.delta;
  if (!args.training_seed.empty()) {
    options.training_gamma_seed = static_cast<std::uint64_t>(parse_nonnegative_integer(args.training_seed, "--training-seed"));
  }
  options.fps = args.fps;
  options.tokens_per_second = args.tokens_per_second;
  options.keep_fractional_time = args.keep_fractional_time;
  options.visual_step = args.visual_step;
  return make_method(args.method, options);
}

}  // namespace hopelab::cli
