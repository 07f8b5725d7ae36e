#include "run_command.h"

#include <cstdlib>
#include <iostream>
#include <memory>

#include "backend_option.h"
#include "batch/runner.h"
#include "command_json.h"
#include "record_output.h"

namespace hopelab::cli {

namespace {

Json summary_json(const batch::RunSummary& s, bool dry_run) {
  Json out = {{"spec_name", s.spec_name}, {"output", s.output},  {"shard", s.shard},
              {"units", s.units},         {"units_total", s.units_total}};
  if (dry_run) {
    out["planned"] = s.planned;
  } else {
    out["computed"] = s.computed;
    out["from_checkpoints"] = s.resumed;
    out["seconds"] = s.seconds;
    out["already_complete"] = s.already_complete;
  }
  out["claims"] = claims_json(s.claims);
  return out;
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto o = std::make_shared<batch::RunOptions>();
  auto json = std::make_shared<bool>(false);
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
  cmd->add_flag("--json", *json,
                "print one JSON object instead of the summary and the claims table: settings, counts, "
                "claims, provenance (progress stays on stderr)");
  cmd->add_option("--stop-after", o->stop_after, "stop as if interrupted after K computed units (tests)")
      ->group("");
  cmd->callback([o, json, cmd] {
    batch::RunSummary summary;
    const int status = batch::run_experiment(*o, *json ? &summary : nullptr);
    if (status != 0) {
      std::cout << std::flush;
      std::exit(status);
    }
    if (*json) {
      const Json result = summary_json(summary, o->dry_run);
      std::cout << json_line(o->dry_run || summary.already_complete ? command_json(*cmd, result)
                                                                    : command_json(*cmd, result, summary.provenance))
                << '\n';
    }
  });
}

}  // namespace hopelab::cli
