// `hopelab vlm logits`: the logits of a prompt (docs/vlm.md), written as safetensors ("logits",
// F32, (L, V) or (1, V) with --last-only) with the method and the files in its __metadata__.
// The NumPy reference (tests/ref/vlm_reference.py compare) reads this file.

#include <iostream>
#include <memory>

#include "backend_option.h"
#include "command_json.h"
#include "output/output_file.h"
#include "sim/vlm/vlm_runner.h"
#include "vlm/checkpoint.h"
#include "vlm/input_file.h"
#include "vlm/safetensors.h"
#include "vlm_commands.h"
#include "cli_method_options.h"

namespace hopelab::cli {

namespace {

struct LogitsArgs {
  std::string model, input, output;
  VlmMethodArgs method;
  bool last_only = false;
  bool force = false;
  std::string backend = "auto";
  bool json = false;
};

}  // namespace

void add_vlm_logits_command(CLI::App& vlm) {
  auto args = std::make_shared<LogitsArgs>();
  CLI::App* cmd = vlm.add_subcommand("logits", "prefill a prompt and write its logits (safetensors)");
  cmd->add_option("--model", args->model, "checkpoint directory")->required();
  cmd->add_option("--input", args->input, "input.safetensors (hopelab vlm input)")->required();
  cmd->add_option("-o,--output", args->output, "logits file to write")->required();
  cmd->add_flag("--last-only", args->last_only, "only the last token's logits, (1, V)");
  add_vlm_method_options(*cmd, args->method);
  cmd->add_flag("--force", args->force, "overwrite an existing output file");
  add_backend_option(*cmd, args->backend);
  cmd->add_flag("--json", args->json, "print one JSON object: settings, what was written, provenance");
  cmd->callback([args, cmd] {
    output::check_destination(args->output, args->force, "output");
    const Engines& backend = use_backend_flag(args->backend);
    Checkpoint checkpoint = load_checkpoint(args->model);
    const VlmInput input = read_input_file(args->input, checkpoint.config);
    const VlmRotary rotary = build_vlm_rotary(args->method);
    const VlmModel model(checkpoint.config, std::move(checkpoint.weights), rotary);
    PrefillOptions options;
    options.last_row_only = args->last_only;
    SafetensorsContents out;
    Tensor& logits = out.floats["logits"];
    logits.data = backend.vlm_runner(model)->prefill(input, options);
    const std::int64_t vocab = model.config().vocab_size;
    logits.shape = {static_cast<std::int64_t>(logits.data.size()) / vocab, vocab};
    out.metadata = {{"format", "hopelab-vlm-logits"}, {"model", args->model}, {"input", args->input},
                    {"method", model.method().name},
                    {"temporal_step", std::to_string(model.method().design.temporal_step)}, {"backend", backend.name}};
    write_safetensors(args->output, out, Dtype::f32);
    if (args->json) {
      std::cout << json_line(command_json(*cmd, {{"output", args->output},
                                                 {"shape", logits.shape},
                                                 {"method", model.method().name},
                                                 {"temporal_step", model.method().design.temporal_step}}))
                << '\n';
      return;
    }
    std::cout << "wrote " << args->output << ": logits (" << logits.shape[0] << ", " << vocab << "), method "
              << model.method().name << "\n";
  });
}

}  // namespace hopelab::cli
