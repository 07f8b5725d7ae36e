#pragma once
// The flags that choose the VLM's rotary method at run time (--method, --gamma, --delta,
// --sections, --design), shared by the model commands, and their conversion to VlmRotary.

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "sim/vlm/vlm_rotary.h"

namespace hopelab::cli {

struct VlmMethodArgs {
  std::string method = "mrope";
  std::optional<double> gamma;  // HoPE's inference temporal scale
  std::optional<double> delta;  // VideoRoPE's temporal spacing
  std::string sections;         // "t,h,w"; default: sim/vlm/vlm_rotary.h's rule
  std::string design;           // override of the method's position design
};

void add_vlm_method_options(CLI::App& command, VlmMethodArgs& args);

// Throws InputError naming a bad value (the method itself is checked when the model is built).
VlmRotary vlm_rotary(const VlmMethodArgs& args);

}  // namespace hopelab::cli
