#pragma once
// `hopelab bench mc`: throughput of the Monte Carlo engines on this build's backend, with the
// backend's measured FMA peak beside the tiled win-probability product.

#include <CLI/CLI.hpp>

namespace hopelab::cli {

void add_bench_commands(CLI::App& app);

}  // namespace hopelab::cli
