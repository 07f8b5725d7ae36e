// `hopelab vlm inspect DIR`: loads and checks a checkpoint, prints its configuration and
// parameter counts (a table, or one JSON object with --json).

#include <iostream>
#include <memory>

#include "command_json.h"
#include "output/cli_output.h"
#include "sim/vlm/parameters.h"
#include "theory/escape_text.h"
#include "vlm/checkpoint.h"
#include "vlm_commands.h"

namespace hopelab::cli {

namespace {

std::int64_t count_parameters(const VlmConfig& config, const std::string& prefix) {
  std::int64_t count = 0;
  for (const ParameterSpec& p : expected_parameters(config)) {
    if (p.name.compare(0, prefix.size(), prefix) != 0) continue;
    std::int64_t n = 1;
    for (std::int64_t s : p.shape) n *= s;
    count += n;
  }
  return count;
}

}  // namespace

void add_vlm_inspect_command(CLI::App& vlm) {
  auto directory = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = vlm.add_subcommand("inspect", "check a checkpoint and print its configuration");
  cmd->add_option("directory", *directory, "checkpoint directory")->required();
  cmd->add_flag("--json", *json, "print one JSON object");
  cmd->callback([directory, json, cmd] {
    const Checkpoint ckpt = load_checkpoint(*directory);
    const VlmConfig& c = ckpt.config;
    const VisionConfig& v = c.vision;
    const std::int64_t vision = count_parameters(c, "visual.");
    const std::int64_t total = count_parameters(c, "");
    const Json out = {{"directory", *directory},
                      {"stored_dtypes", ckpt.stored_dtypes},
                      {"shards", ckpt.shards},
                      {"tensors", ckpt.weights.size()},
                      {"parameters", total},
                      {"vision_parameters", vision},
                      {"language_parameters", total - vision},
                      {"vocab_size", c.vocab_size},
                      {"hidden_size", c.hidden_size},
                      {"intermediate_size", c.intermediate_size},
                      {"num_hidden_layers", c.num_hidden_layers},
                      {"num_attention_heads", c.num_attention_heads},
                      {"num_key_value_heads", c.num_key_value_heads},
                      {"head_dim", c.head_dim()},
                      {"rope_theta", c.rope_theta},
                      {"mrope_section", c.mrope_section},
                      {"tie_word_embeddings", c.tie_word_embeddings},
                      {"vision",
                       {{"depth", v.depth},
                        {"embed_dim", v.embed_dim},
                        {"num_heads", v.num_heads},
                        {"head_dim", v.head_dim()},
                        {"patch_size", v.patch_size},
                        {"temporal_patch_size", v.temporal_patch_size},
                        {"spatial_merge_size", v.spatial_merge_size}}}};
    if (*json) {
      std::cout << json_line(command_json(*cmd, out)) << "\n";
      return;
    }
    std::cout << escape_control(*directory) << ": " << total << " parameters (vision " << vision << ", language " << total - vision
              << "), " << ckpt.weights.size() << " tensors stored as " << escape_control(ckpt.stored_dtypes) << " in " << ckpt.shards
              << (ckpt.shards == 1 ? " file" : " shards") << "\n";
    Table table({"key", "value"});
    for (const auto& item : out.items()) {
      if (item.key() == "vision") {
        for (const auto& sub : item.value().items()) table.add_row({"vision." + sub.key(), sub.value().dump()});
      } else if (item.key() != "directory") {
        table.add_row({item.key(), item.value().is_string() ? item.value().get<std::string>() : item.value().dump()});
      }
    }
    table.print(std::cout);
  });
}

}  // namespace hopelab::cli
