// `hopelab vlm check`: the end-to-end checks (vlm/vlm_checks.h) of a checkpoint, for one method or
// every method the model is compared on, on a prompt file or on a random one-video prompt.
// Prints a table (or JSON); exit status 1 when a check fails.

#include <cstdlib>
#include <iostream>
#include <memory>

#include "command_json.h"
#include "output/cli_output.h"
#include "vlm/checkpoint.h"
#include "vlm/input_file.h"
#include "vlm/synthetic_input.h"
#include "vlm/vlm_checks.h"
#include "vlm_commands.h"
#include "cli_method_options.h"

namespace hopelab::cli {

namespace {

struct CheckArgs {
  std::string model, input;
  VlmMethodArgs method;
  bool all_methods = false;
  bool json = false;
};

}  // namespace

void add_vlm_check_command(CLI::App& vlm) {
  auto args = std::make_shared<CheckArgs>();
  CLI::App* cmd = vlm.add_subcommand("check", "end-to-end checks: cached decode, shift invariance, positions, "
                                              "the semantic preference inside layer 0");
  cmd->add_option("--model", args->model, "checkpoint directory")->required();
  cmd->add_option("--input", args->input, "input.safetensors (default: a random prompt with a 6-frame video)");
  cmd->add_flag("--all-methods", args->all_methods, "vanilla, mrope, mrope-interleave, videorope and hope");
  cmd->add_flag("--json", args->json, "print one JSON object");
  add_vlm_method_options(*cmd, args->method);
  cmd->callback([args, cmd] {
    const Checkpoint checkpoint = load_checkpoint(args->model);
    VlmInput prompt;
    if (args->input.empty()) {
      SyntheticPrompt p;
      p.frames = 6;
      p.grid_height = 2;
      p.grid_width = 3;
      prompt = synthetic_video_prompt(checkpoint.config, p);
    } else {
      prompt = read_input_file(args->input, checkpoint.config);
    }
    std::vector<VlmRotary> rotaries;
    if (args->all_methods) {
      for (const char* m : {"vanilla", "mrope", "mrope-interleave", "videorope", "hope"}) {
        VlmMethodArgs a = args->method;
        a.method.method = m;
        rotaries.push_back(build_vlm_rotary(a));
      }
    } else {
      rotaries.push_back(build_vlm_rotary(args->method));
    }
    std::vector<VlmCheckResult> results;
    for (const VlmRotary& r : rotaries) {
      for (VlmCheckResult& c : run_vlm_checks(checkpoint.config, checkpoint.weights, r, prompt)) results.push_back(c);
    }
    bool all_passed = true;
    for (const VlmCheckResult& c : results) all_passed = all_passed && c.passed();
    if (args->json) {
      Json list = Json::array();
      for (const VlmCheckResult& c : results) {
        list.push_back({{"method", c.method}, {"check", c.check}, {"error", number_json(c.error)},
                        {"tolerance", number_json(c.tolerance)},
                        {"verdict", c.skipped ? "skipped" : c.passed() ? "pass" : "fail"}, {"detail", c.detail}});
      }
      std::cout << command_json(*cmd, {{"model", args->model}, {"passed", all_passed}, {"checks", list}}).dump()
                << '\n';
    } else {
      Table table({"method", "check", "error", "tolerance", "verdict", "where"});
      for (const VlmCheckResult& c : results) {
        table.add_row({c.method, c.check, compact_text(c.error), compact_text(c.tolerance),
                       c.skipped ? "skipped" : c.passed() ? "pass" : "FAIL", c.detail});
      }
      table.print(std::cout);
    }
    if (!all_passed) std::exit(1);
  });
}

}  // namespace hopelab::cli
