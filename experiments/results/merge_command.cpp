#include "results/merge_command.h"

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "results/merge_results.h"

namespace hopelab::cli {

namespace {

struct MergeArgs {
  std::vector<std::string> inputs;
  std::string output;
  bool force = false;
};

void run_merge(const MergeArgs& a) {
  const results::ResultsFile merged = results::merge_results_files(a.inputs, a.output, a.force);
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
  cmd->callback([a] { run_merge(*a); });
}

}  // namespace hopelab::cli
