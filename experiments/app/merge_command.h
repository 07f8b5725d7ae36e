#pragma once
// `hopelab merge A.h5 B.h5 ... -o ALL.h5 [--force]`: one results file from the shards (or
// partial files) of one run; refusals and semantics in docs/hdf5-format.md, "Merging".

#include <CLI/CLI.hpp>

namespace hopelab::cli {

void add_merge_command(CLI::App& app);

}  // namespace hopelab::cli
