#pragma once
// `hopelab mc retrieval`: a one-unit run of kind mc-retrieval, single-head needle retrieval
// (sim/retrieval.h) over a V-NIAH-style grid of context lengths (--frames, one count or a:b:s)
// and needle depths (--depth, a comma list).

#include <CLI/CLI.hpp>

namespace hopelab::cli {

// Adds `retrieval` under the `mc` subcommand.
void add_mc_retrieval_command(CLI::App& mc);

}  // namespace hopelab::cli
