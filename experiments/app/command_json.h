#pragma once
// The --json object of a command that is not a unit of a kind (unit commands: unit_command.h):
// {"command", "settings", the command's own keys, "provenance"}. settings holds every option of
// the command with its resolved value (what was given, else the default; flags true or false),
// provenance is provenance_json of this build (record_output.h), the way a unit's --json has them.

#include <CLI/CLI.hpp>

#include "output/cli_output.h"
#include "results/results_file.h"

namespace hopelab::cli {

// Every option of `cmd` but --help, named by its long name with '-' as '_' (positionals by their
// name): numbers, booleans and lists as JSON values, other text as strings, null when an option
// without a default was not given.
Json command_settings_json(const CLI::App& cmd);

// {"command": "hopelab vlm init", "settings": ..., then `result`'s keys, then "provenance"}.
// `provenance` defaults to this build's (results::current_provenance()), with seed set from a
// "seed" setting when the command has one.
Json command_json(const CLI::App& cmd, const Json& result);
Json command_json(const CLI::App& cmd, const Json& result, const results::Provenance& provenance);

}  // namespace hopelab::cli
