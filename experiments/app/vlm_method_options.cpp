#include "vlm_method_options.h"

#include "theory/allocation.h"
#include "theory/position_design.h"

namespace hopelab::cli {

void add_vlm_method_options(CLI::App& command, VlmMethodArgs& args) {
  command.add_option("--method", args.method,
                     "rotary method: vanilla, mrope, mrope-interleave, videorope, hope, ... (default mrope)");
  command.add_option("--gamma", args.gamma, "HoPE's temporal scale at inference (default 1)");
  command.add_option("--delta", args.delta, "VideoRoPE's temporal spacing (default 2)");
  command.add_option("--sections", args.sections,
                     "[t, h, w] pair counts, e.g. 4,6,6 (default: mrope_section for mrope, videorope and hope, "
                     "the method's own otherwise)");
  command.add_option("--design", args.design, "position design override: flat, qwen2vl, qwen25vl, diagonal, v2pe, tad");
}

VlmRotary vlm_rotary(const VlmMethodArgs& args) {
  VlmRotary rotary;
  rotary.method = args.method;
  rotary.options.gamma = args.gamma;
  rotary.options.delta = args.delta;
  if (!args.sections.empty()) rotary.options.sections = parse_sections(args.sections);
  if (!args.design.empty()) rotary.options.design = parse_design(args.design);
  return rotary;
}

}  // namespace hopelab::cli
