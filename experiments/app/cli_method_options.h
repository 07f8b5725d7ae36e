#pragma once
// The flags that select a method (--method and its options) for the commands that are not yet
// one-unit runs of a kind: generated from params::MethodParams's schema (params/method.h), the
// same fields a spec and `hopelab unit` read, and parsed into it when the command's parsing
// completes. params::build_method turns them into theory's Method; the model commands' subset
// (params/vlm_method.h) turns into the VLM's rotary by params::build_vlm_rotary.

#include <CLI/CLI.hpp>

#include "params/method.h"
#include "params/vlm_method.h"

namespace hopelab::cli {

using MethodArgs = params::MethodParams;
using params::build_method;
using VlmMethodArgs = params::VlmMethodParams;
using params::build_vlm_rotary;

// Adds every method flag (--method required when `method_required`).
void add_method_options(CLI::App& command, MethodArgs& args, bool method_required = true);
// Adds only --head-dim and --base (for commands without a method).
void add_spectrum_options(CLI::App& command, MethodArgs& args);
// Adds the flags of a method inside the VLM (--method, default mrope, and its options; the model
// decides head_dim, base and the pair layout).
void add_vlm_method_options(CLI::App& command, VlmMethodArgs& args);

}  // namespace hopelab::cli
