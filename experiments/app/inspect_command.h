#pragma once
// `hopelab inspect FILE.h5 [--json] [--spec]`: the provenance, unit counts, run groups and claims
// table of a hopelab results file (docs/hdf5-format.md), after checking its filetype and format
// version.

#include <CLI/CLI.hpp>

namespace hopelab::cli {

void add_inspect_command(CLI::App& app);

}  // namespace hopelab::cli
