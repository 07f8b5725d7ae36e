#pragma once
// The flags that select a method (--method and its options) for the commands that are not yet
// one-unit runs of a kind: generated from params::MethodParams's schema (params/method.h), the
// same fields a spec and `hopelab unit` read, and parsed into it when the command's parsing
// completes. params::build_method turns them into theory's Method; the model commands' subset
// (params/vlm_method.h) turns into the VLM's rotary by params::build_vlm_rotary.

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "field_flags.h"
#include "params/method.h"
#include "params/vlm_method.h"

namespace hopelab::cli {

using MethodArgs = params::MethodParams;
using params::build_method;
using VlmMethodArgs = params::VlmMethodParams;
using params::build_vlm_rotary;

// Adds every method flag (--method required when `method_required`) and --config.
void add_method_options(CLI::App& command, MethodArgs& args, bool method_required = true);
// Adds only --head-dim, --base and --config (for commands without a method).
void add_spectrum_options(CLI::App& command, MethodArgs& args);
// Adds the flags of a method inside the VLM (--method, default mrope, and its options; the model
// decides head_dim, base and the pair layout).
void add_vlm_method_options(CLI::App& command, VlmMethodArgs& args);

// --config PATH on a command whose `flags` bind the method fields (after them, so it is applied
// after the flags given): a model's config.json (vlm/rotary_config.h) sets head_dim (the model's
// head dim), base (rope_theta), sections (mrope_section, for the methods that read per-axis pair
// counts: mrope, mrope-interleave, qwen35, videorope, hope, hope-x) and, for a partial rotary
// (p < 1, r = floor(p d) dimensions rotate), keep_fraction r / d and base rope_theta^(d / r) of
// method p-rope, or base rope_theta and rotary_fraction r / d of method qwen35 (which takes
// rotary_fraction r / d = 1 from a full rotary too); any other method refuses a partial rotary.
// A flag also given must agree with the config's value (numbers to 1e-12 relative) or the
// command is refused naming both. `method` gives the method once the flags are applied.
// docs/usage.md "Your own model".
void add_model_config_option(CLI::App& command, FieldFlags& flags, std::function<std::string()> method);

}  // namespace hopelab::cli
