// `hopelab vlm grad`: the loss of a prompt and the gradient of every parameter (docs/vlm.md
// "Training"), written as safetensors under the parameters' own names and shapes, with the loss,
// the counted labels and the method in its __metadata__. Labels: the input's `labels` tensor, or
// input_ids with the visual placeholder ids ignored.

#include <filesystem>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "command_json.h"
#include "output/output_file.h"
#include "sim/train/adamw.h"
#include "sim/train/model_gradients.h"
#include "sim/vlm/vlm_model.h"
#include "theory/input_error.h"
#include "theory/text_format.h"
#include "vlm/checkpoint.h"
#include "vlm/input_file.h"
#include "vlm/safetensors.h"
#include "vlm_commands.h"
#include "cli_method_options.h"

namespace hopelab::cli {

namespace {

struct GradArgs {
  std::string model, input, output;
  VlmMethodArgs method;
  bool json = false;
  bool force = false;
};

}  // namespace

void add_vlm_grad_command(CLI::App& vlm) {
  auto args = std::make_shared<GradArgs>();
  CLI::App* cmd = vlm.add_subcommand("grad", "the loss of a prompt and every parameter's gradient (safetensors)");
  cmd->add_option("--model", args->model, "checkpoint directory")->required();
  cmd->add_option("--input", args->input, "input.safetensors, with an optional labels tensor")->required();
  cmd->add_option("-o,--output", args->output, "gradient file to write")->required();
  cmd->add_flag("--json", args->json, "print the loss, counted labels and gradient norm as JSON");
  cmd->add_flag("--force", args->force, "overwrite an existing output file");
  add_vlm_method_options(*cmd, args->method);
  cmd->callback([args, cmd] {
    output::check_destination(args->output, args->force, "output");
    Checkpoint checkpoint = load_checkpoint(args->model);
    const VlmInput input = read_input_file(args->input, checkpoint.config);
    const VlmModel model(checkpoint.config, std::move(checkpoint.weights), build_vlm_rotary(args->method));
    const std::vector<std::int64_t> labels =
        input.labels.empty() ? default_labels(model.config(), input.input_ids) : input.labels;
    LossAndGradients result = loss_and_gradients(model, input, labels);
    const double norm = global_norm(result.gradients);
    SafetensorsContents out;
    out.floats = std::move(result.gradients);
    out.metadata = {{"format", "hopelab-vlm-grad"}, {"model", args->model}, {"input", args->input},
                    {"method", model.method().name}, {"loss", format_number(result.loss)},
                    {"label_tokens", std::to_string(result.label_tokens)},
                    {"labels", input.labels.empty() ? "input_ids, visual tokens ignored" : "labels tensor"}};
    write_safetensors(args->output, out, Dtype::f32);
    if (args->json) {
      nlohmann::ordered_json j;
      j["loss"] = result.loss;
      j["label_tokens"] = result.label_tokens;
      j["correct"] = result.correct;
      j["grad_norm"] = norm;
      j["method"] = model.method().name;
      j["output"] = args->output;
      std::cout << command_json(*cmd, j).dump(2) << "\n";
    } else {
      std::cout << "wrote " << args->output << ": loss " << format_number(result.loss) << " over "
                << result.label_tokens << " labels, gradient norm " << norm << ", method " << model.method().name
                << "\n";
    }
  });
}

}  // namespace hopelab::cli
