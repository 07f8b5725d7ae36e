#pragma once
// Command-line flags that select a method (--method and its options), shared by every
// subcommand that takes one, and their conversion into theory's MethodOptions.

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "theory/method.h"

namespace hopelab::cli {

struct MethodArgs {
  std::string method;
  int head_dim = 128;
  double base = 1e6;
  std::string sections;          // "16,24,24"
  std::string pair_layout = "halves";
  double keep_fraction = 0.75;
  std::string allocation;        // custom spec
  std::string design;            // override
  std::optional<double> gamma;
  std::optional<double> delta;
  std::string training_seed;     // parsed strictly: CLI11 would wrap "-1" to 2^64 - 1
  double fps = 1.0;
  double tokens_per_second = 25.0;
  bool keep_fractional_time = false;
  double visual_step = 1.0 / 16.0;
};

// Adds --method (required when `method_required`) and the flags that shape a method.
void add_method_options(CLI::App& command, MethodArgs& args, bool method_required = true);
// Adds only --head-dim and --base (for commands without a method).
void add_spectrum_options(CLI::App& command, MethodArgs& args);

// Throws InputError naming a bad value.
Method build_method(const MethodArgs& args);

}  // namespace hopelab::cli
