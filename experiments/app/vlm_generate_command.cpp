// `hopelab vlm generate`: greedy generation from a prompt with the KV cache (prefill once, then
// one decode step per token), printing the new token ids.

#include <iostream>
#include <memory>

#include "backend_option.h"
#include "command_json.h"
#include "output/cli_output.h"
#include "sim/vlm/vlm_runner.h"
#include "theory/input_error.h"
#include "vlm/checkpoint.h"
#include "vlm/input_file.h"
#include "vlm_commands.h"
#include "cli_method_options.h"

namespace hopelab::cli {

namespace {

struct GenerateArgs {
  std::string model, input;
  VlmMethodArgs method;
  int max_new_tokens = 16;
  bool json = false;
  std::string backend = "auto";
};

}  // namespace

void add_vlm_generate_command(CLI::App& vlm) {
  auto args = std::make_shared<GenerateArgs>();
  CLI::App* cmd = vlm.add_subcommand("generate", "greedy generation from a prompt (KV-cached decode)");
  cmd->add_option("--model", args->model, "checkpoint directory")->required();
  cmd->add_option("--input", args->input, "input.safetensors (hopelab vlm input)")->required();
  cmd->add_option("--max-new-tokens", args->max_new_tokens, "at most this many new tokens (default 16)");
  cmd->add_flag("--json", args->json, "print one JSON object");
  add_vlm_method_options(*cmd, args->method);
  add_backend_option(*cmd, args->backend);
  cmd->callback([args, cmd] {
    if (args->max_new_tokens < 1) {
      throw InputError("--max-new-tokens must be at least 1, got " + std::to_string(args->max_new_tokens));
    }
    const Engines& backend = use_backend_flag(args->backend);
    Checkpoint checkpoint = load_checkpoint(args->model);
    const VlmInput input = read_input_file(args->input, checkpoint.config);
    const VlmModel model(checkpoint.config, std::move(checkpoint.weights), build_vlm_rotary(args->method));
    const std::vector<std::int64_t> ids = backend.vlm_runner(model)->generate(input, args->max_new_tokens);
    if (args->json) {
      std::cout << command_json(*cmd, {{"method", model.method().name}, {"backend", backend.name},
                                       {"prompt_tokens", input.input_ids.size()},
                                       {"tokens", ids}})
                       .dump()
                << '\n';
      return;
    }
    std::cout << model.method().name << ", " << input.input_ids.size() << " prompt tokens ->";
    for (std::int64_t id : ids) std::cout << ' ' << id;
    std::cout << '\n';
  });
}

}  // namespace hopelab::cli
