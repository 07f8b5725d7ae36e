#include "claims_command.h"

#include <iostream>
#include <memory>
#include <string>

#include "batch/claims_table.h"
#include "command_json.h"
#include "record_output.h"
#include "results/results_file.h"
#include "theory/input_error.h"

namespace hopelab::cli {

namespace {

struct ClaimsArgs {
  std::string file;
  bool json = false, csv = false, markdown = false;
};

void run_claims(const ClaimsArgs& a, const CLI::App& cmd) {
  const results::ResultsFile file = results::read_results_file(a.file);
  if (!file.claims) {
    throw InputError("results file '" + a.file + "' has no claims (no /claims group: its spec '" +
                     file.provenance.spec_name + "' has no [[claim]] tables)");
  }
  const std::vector<batch::ClaimResult> claims = batch::claims_from_record(*file.claims);
  if (a.json) {
    std::cout << json_line({{"file", a.file},
                            {"settings", command_settings_json(cmd)},
                            {"claims", claims_json(claims)},
                            {"provenance", provenance_json(file.provenance)}})
              << '\n';
  } else if (a.csv) {
    batch::print_claims_csv(claims, std::cout);
  } else if (a.markdown) {
    batch::print_claims_markdown(claims, std::cout);
  } else {
    batch::print_claims_table(claims, std::cout);
  }
}

}  // namespace

void add_claims_command(CLI::App& app) {
  auto a = std::make_shared<ClaimsArgs>();
  CLI::App* cmd = app.add_subcommand("claims", "the claims table of a results file (.h5), as hopelab run prints it");
  cmd->add_option("file", a->file, "results file written by hopelab run or merge")->required();
  auto* json = cmd->add_flag("--json", a->json, "print one JSON object: every column of every claim, provenance");
  auto* csv = cmd->add_flag("--csv", a->csv, "print CSV with a header row (every column)");
  auto* markdown = cmd->add_flag("--markdown", a->markdown, "print a Markdown table and the why list");
  json->excludes(csv)->excludes(markdown);
  csv->excludes(markdown);
  cmd->callback([a, cmd] { run_claims(*a, *cmd); });
}

}  // namespace hopelab::cli
