#include "run_command.h"

#include <cstdlib>
#include <iostream>
#include <memory>

#include "backend_option.h"
#include "batch/runner.h"

namespace hopelab::cli {

void add_run_command(CLI::App& app) {
  auto o = std::make_shared<batch::RunOptions>();
  CLI::App* cmd = app.add_subcommand("run", "run a batch experiment spec (TOML) into an HDF5 results file");
  cmd->add_option("spec", o->spec_path, "experiment spec SPEC.toml")->required();
  cmd->add_option("-o,--output", o->output, "results file (default data/results/<name>.h5)");
  cmd->add_flag("--resume", o->resume, "continue an interrupted run from its checkpoints (<out>.partial/)");
  cmd->add_option("--shard", o->shard, "i/n: run only the units with unit_index % n == i");
  cmd->add_flag("--force", o->force, "overwrite the output and discard a stale work directory");
  cmd->add_flag("--dry-run", o->dry_run, "validate the spec and list its units; compute nothing");
  add_backend_option(*cmd, o->backend, "(default: the spec's [experiment] backend, else auto)");
  cmd->add_option("--samples-factor", o->samples_factor,
                  "budget: every Monte Carlo unit draws its samples times K (recorded in the stored spec text)");
  cmd->add_option("--stop-after", o->stop_after, "stop as if interrupted after K computed units (tests)")
      ->group("");
  cmd->callback([o] {
    const int status = batch::run_experiment(*o);
    if (status != 0) {
      std::cout << std::flush;
      std::exit(status);
    }
  });
}

}  // namespace hopelab::cli
