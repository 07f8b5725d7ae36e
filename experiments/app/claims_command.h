#pragma once
// `hopelab claims FILE.h5 [--json | --csv | --markdown]`: the claims table stored in a results
// file's /claims (batch/claims_table.h), as `hopelab run` prints it, or as JSON, CSV or Markdown.

#include <CLI/CLI.hpp>

namespace hopelab::cli {

void add_claims_command(CLI::App& app);

}  // namespace hopelab::cli
