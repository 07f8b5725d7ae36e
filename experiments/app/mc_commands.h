#pragma once
// `hopelab mc preference` and `mc win-prob`: one-unit runs of the kinds mc-preference and
// mc-win-prob, Monte Carlo estimates printed beside the closed form.

#include <CLI/CLI.hpp>

namespace hopelab::cli {

void add_mc_commands(CLI::App& app);

}  // namespace hopelab::cli
