#pragma once
// hopelab unit KIND [--FIELD VALUE ...] [--json]: one unit of any kind, built from the flags
// exactly as a spec's [[run]] with the same keys builds it (batch::single_unit), computed by the
// kind, and printed as its record: every resolved setting, the datasets, the provenance.

#include <functional>
#include <iosfwd>

#include <CLI/CLI.hpp>

#include "batch/spec.h"
#include "kinds/kind.h"
#include "results/run_record.h"

namespace hopelab::cli {

// `hopelab unit KIND ...`: a subcommand per registered kind.
void add_unit_command(CLI::App& app);

// How a computing command shows its unit to people (--json always prints the whole record).
using UnitTextPrinter = std::function<void(const batch::WorkUnit&, const results::RunRecord&, std::ostream&)>;

// A subcommand `name` of `parent` that is a one-unit run of `kind`: its flags are the kind's
// fields (params/field.h), --json prints {kind, seed, settings, attributes, datasets, provenance}
// and otherwise `print` (the generic settings-and-datasets table when empty) shows the record.
CLI::App* add_unit_subcommand(CLI::App& parent, const std::string& name, const std::string& description,
                              const kinds::Kind& kind, UnitTextPrinter print = {});

}  // namespace hopelab::cli
