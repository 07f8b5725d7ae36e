// `hopelab vlm positions`: the layout the model reads off a prompt and the (t, h, w) positions it
// rotates by (sim/vlm/vlm_positions.h). `hopelab positions --layout <layout>` must print the same
// positions: tests/vlm_io/check_vlm_model_cli.py compares the two.

#include <iostream>
#include <memory>

#include "command_json.h"
#include "output/cli_output.h"
#include "sim/vlm/vlm_positions.h"
#include "vlm/config_json.h"
#include "vlm/input_file.h"
#include "vlm_commands.h"
#include "cli_method_options.h"

namespace hopelab::cli {

namespace {

struct PositionsArgs {
  std::string model, input;
  VlmMethodArgs method;
};

}  // namespace

void add_vlm_positions_command(CLI::App& vlm) {
  auto args = std::make_shared<PositionsArgs>();
  CLI::App* cmd = vlm.add_subcommand("positions", "the layout and LLM positions of a prompt, as the model uses them (JSON)");
  cmd->add_option("--model", args->model, "checkpoint directory (its config.json is read)")->required();
  cmd->add_option("--input", args->input, "input.safetensors")->required();
  add_vlm_method_options(*cmd, args->method);
  cmd->add_flag("--json", "print one JSON object (what this command always prints)");
  cmd->callback([args, cmd] {
    const VlmConfig config = read_config_json(args->model + "/config.json");
    const VlmInput input = read_input_file(args->input, config);
    const VlmRotary rotary = build_vlm_rotary(args->method);
    const Method method = language_method(config, rotary);
    const PositionIds ids = vlm_positions(method, vlm_layout(config, input));
    std::cout << command_json(*cmd, {{"method", method.name},
                                     {"design", design_name(method.design.kind)},
                                     {"layout", layout_text(vlm_layout(config, input))},
                                     {"t", numbers_json(ids.t)},
                                     {"h", numbers_json(ids.h)},
                                     {"w", numbers_json(ids.w)}})
                     .dump()
              << '\n';
  });
}

}  // namespace hopelab::cli
