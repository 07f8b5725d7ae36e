#include "merge_command.h"

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "batch/claims.h"
#include "batch/claims_table.h"
#include "batch/spec.h"
#include "command_json.h"
#include "kinds/record_check.h"
#include "kinds/record_form.h"
#include "results/merge_results.h"
#include "theory/escape_text.h"
#include "theory/input_error.h"

namespace hopelab::cli {

namespace {

struct MergeArgs {
  std::vector<std::string> inputs;
  std::string output;
  bool force = false;
  bool json = false;
};

// The spec's claims evaluated on the merged units, as the /claims record `hopelab run` writes
// (none when the spec has no [[claim]] tables). Units a partial merge lacks give n/a verdicts.
// Files not written by `hopelab run` may hold any spec_text: then a warning, and no /claims.
std::vector<results::RunRecord> claims_of(const results::ResultsFile& merged, const std::string& first_input) {
  batch::Experiment ex;
  try {
    ex = batch::parse_spec_text(merged.provenance.spec_text, "spec_text of '" + first_input + "'");
  } catch (const InputError& e) {
    std::cerr << "hopelab: warning: claims not evaluated: " << escape_control(e.what()) << "\n";
    return {};
  }
  if (ex.claims.empty()) return {};
  return {batch::claims_record(batch::evaluate_claims(ex, merged.records), merged.provenance.units_total)};
}

void run_merge(const MergeArgs& a, const CLI::App& cmd) {
  const results::ResultsFile merged = results::merge_results_files(
      a.inputs, a.output, a.force, [&a](const results::ResultsFile& m) { return claims_of(m, a.inputs.front()); },
      [](results::RunRecord& record, const results::ResultsFile& file) {
        kinds::check_record_datasets(record, "", results::legacy_form(file.format_version));
        if (results::older_form(file.format_version)) record = kinds::current_form(record);
      });
  if (a.json) {
    const Json result = {{"output", a.output},
                         {"inputs", a.inputs},
                         {"units", merged.records.size()},
                         {"units_total", merged.provenance.units_total},
                         {"shard", merged.provenance.shard}};
    std::cout << json_line(command_json(cmd, result, merged.provenance)) << '\n';
    return;
  }
  std::cout << "wrote " << a.output << ": " << merged.records.size() << " of " << merged.provenance.units_total
            << " units from " << a.inputs.size() << (a.inputs.size() == 1 ? " file" : " files") << ", shard "
            << merged.provenance.shard << '\n';
}

}  // namespace

void add_merge_command(CLI::App& app) {
  auto a = std::make_shared<MergeArgs>();
  CLI::App* cmd = app.add_subcommand("merge", "merge results files (shards) of one run into one file");
  cmd->add_option("inputs", a->inputs, "results files of the same spec and seed")->required();
  cmd->add_option("-o,--output", a->output, "merged results file")->required();
  cmd->add_flag("--force", a->force, "overwrite an existing output file");
  cmd->add_flag("--json", a->json, "print one JSON object: settings, units merged, the merged file's provenance");
  cmd->callback([a, cmd] { run_merge(*a, *cmd); });
}

}  // namespace hopelab::cli
