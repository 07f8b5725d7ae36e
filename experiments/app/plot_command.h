#pragma once
// `hopelab plot RESULTS.h5 [-o DIR] [--only NAME,...]`: the figures of a results file
// (docs/usage.md, "Figures"), each as NAME.png, NAME.svg, NAME.gp and NAME.dat in DIR.

#include <CLI/CLI.hpp>

namespace hopelab::cli {

void add_plot_command(CLI::App& app);

}  // namespace hopelab::cli
