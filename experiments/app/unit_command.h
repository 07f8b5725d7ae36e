#pragma once
// hopelab unit KIND [--FIELD VALUE ...] [--json]: one unit of any kind, built from the flags
// exactly as a spec's [[run]] with the same keys builds it (batch::single_unit), computed by the
// kind, and printed as its record: every resolved setting, the datasets, the provenance.

#include <functional>
#include <iosfwd>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "batch/spec.h"
#include "field_flags.h"
#include "kinds/kind.h"
#include "results/run_record.h"

namespace hopelab::cli {

// `hopelab unit KIND ...`: a subcommand per registered kind.
void add_unit_command(CLI::App& app);

// How a computing command shows its unit to people (--json always prints the whole record).
using UnitTextPrinter = std::function<void(const batch::WorkUnit&, const results::RunRecord&, std::ostream&)>;

// What a computing command adds to `hopelab unit KIND`: its text answer, the flag names it had
// before the schema, and flags of its own syntax.
struct UnitCommandOptions {
  UnitCommandOptions() = default;
  UnitCommandOptions(UnitTextPrinter text) : print(std::move(text)) {}  // NOLINT: a printer alone

  UnitTextPrinter print;              // empty: the generic settings-and-datasets table
  FieldFlags::FlagNames flag_names;   // field -> flag, e.g. similar_period -> --similar-distractor-period
  std::set<std::string> skip;         // fields without a flag of their own
  std::vector<std::string> required;  // fields whose flags are required beyond the kind's required keys
  // Adds flags of the command's own syntax that parse into the settings (before the schema's
  // flags are applied), e.g. --frames F|a:b:s into frames, frames_end and frames_step.
  std::function<void(CLI::App&, FieldFlags&, kinds::Settings&)> add_flags;
  // Runs after the unit is computed, before it is printed (text or JSON): warnings on stderr.
  std::function<void(const batch::WorkUnit&, const results::RunRecord&)> after_compute;
};

// A subcommand `name` of `parent` that is a one-unit run of `kind`: its flags are the kind's
// fields (params/field.h), --json prints {kind, seed, settings, attributes, datasets, provenance}
// and otherwise options.print shows the record.
CLI::App* add_unit_subcommand(CLI::App& parent, const std::string& name, const std::string& description,
                              const kinds::Kind& kind, UnitCommandOptions options = {});

}  // namespace hopelab::cli
