#pragma once
// `hopelab run SPEC.toml [-o OUT.h5] [--resume] [--shard i/n] [--force] [--dry-run] [--json]`: a
// batch experiment from a TOML spec into one HDF5 results file (batch/runner.h).

#include <CLI/CLI.hpp>

namespace hopelab::cli {

void add_run_command(CLI::App& app);

}  // namespace hopelab::cli
