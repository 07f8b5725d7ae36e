#pragma once
// `hopelab theory ...` and `hopelab positions`: the command-line face of the theory layer.
// Each command prints a readable table, or one JSON object with --json.

#include <CLI/CLI.hpp>

namespace hopelab::cli {

void add_theory_commands(CLI::App& app);
void add_positions_command(CLI::App& app);

}  // namespace hopelab::cli
