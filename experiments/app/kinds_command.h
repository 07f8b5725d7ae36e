#pragma once
// hopelab kinds [KIND] [--json | --markdown]: every unit kind with its fields and datasets,
// generated from the schema (kinds/catalogue.h).

#include <CLI/CLI.hpp>

namespace hopelab::cli {

void add_kinds_command(CLI::App& app);

}  // namespace hopelab::cli
