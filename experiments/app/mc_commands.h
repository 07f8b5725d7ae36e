#pragma once
// `hopelab mc ...`: Monte Carlo estimates from sim/, printed beside the closed form.

#include <CLI/CLI.hpp>

namespace hopelab::cli {

void add_mc_commands(CLI::App& app);

}  // namespace hopelab::cli
