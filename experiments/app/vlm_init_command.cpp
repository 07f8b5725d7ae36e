// `hopelab vlm init`: a checkpoint directory of random weights (sim/vlm/random_weights.h) for a
// preset (sim/vlm/presets.h).

#include <filesystem>
#include <iostream>
#include <memory>

#include "sim/vlm/parameters.h"
#include "sim/vlm/presets.h"
#include "sim/vlm/random_weights.h"
#include "command_json.h"
#include "theory/input_error.h"
#include "vlm/checkpoint.h"
#include "vlm_commands.h"
#include "unsigned_option.h"

namespace hopelab::cli {

namespace {

struct InitArgs {
  std::string preset, output, dtype = "f32";
  std::uint64_t seed = 0;
  std::uint64_t max_shard_bytes = 0;
  bool force = false;
  bool json = false;
};

// A checkpoint directory may be new or empty; one holding files needs --force, and anything
// other than a directory is refused.
void check_output_directory(const std::string& path, bool force) {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (!fs::exists(status)) return;
  if (!fs::is_directory(status)) throw InputError("output '" + path + "' exists and is not a directory");
  if (!force && !fs::is_empty(path, error)) {
    throw InputError("output '" + path + "' exists and is not empty (use --force to overwrite its checkpoint)");
  }
}

}  // namespace

void add_vlm_init_command(CLI::App& vlm) {
  auto args = std::make_shared<InitArgs>();
  CLI::App* cmd = vlm.add_subcommand("init", "write a checkpoint of random weights for a preset");
  cmd->add_option("--preset", args->preset, "tiny, needle or base100m")->required();
  cmd->add_option("-o,--output", args->output, "checkpoint directory (created)")->required();
  cmd->add_option("--seed", args->seed, "Philox key of the weights (default 0)")->check(decimal_unsigned());
  cmd->add_option("--dtype", args->dtype, "stored precision: f32, bf16 or f16 (default f32)");
  cmd->add_option("--max-shard-bytes", args->max_shard_bytes,
                  "write shards of at most this many data bytes and model.safetensors.index.json "
                  "(default 0: one model.safetensors)")->check(decimal_unsigned());
  cmd->add_flag("--force", args->force, "overwrite the checkpoint in an existing, non-empty directory");
  cmd->add_flag("--json", args->json, "print one JSON object: settings, what was written, provenance");
  cmd->callback([args, cmd] {
    const VlmConfig config = vlm_preset(args->preset);
    const Dtype dtype = parse_weight_dtype(args->dtype);
    check_output_directory(args->output, args->force);
    save_checkpoint(args->output, config, random_weights(config, args->seed), dtype, args->max_shard_bytes);
    std::int64_t count = 0;
    for (const ParameterSpec& p : expected_parameters(config)) {
      std::int64_t n = 1;
      for (std::int64_t s : p.shape) n *= s;
      count += n;
    }
    if (args->json) {
      std::cout << json_line(command_json(*cmd, {{"output", args->output}, {"preset", args->preset},
                                                 {"parameters", count}, {"dtype", args->dtype}, {"seed", args->seed}}))
                << '\n';
      return;
    }
    std::cout << "wrote " << args->output << ": preset " << args->preset << ", " << count << " parameters, "
              << args->dtype << ", seed " << args->seed << "\n";
  });
}

}  // namespace hopelab::cli
