#include "vlm_commands.h"

namespace hopelab::cli {

void add_vlm_command(CLI::App& app) {
  CLI::App* vlm = app.add_subcommand("vlm", "the small Qwen2-VL-architecture model: checkpoints, inputs, logits, generation, checks");
  vlm->require_subcommand(1);
  add_vlm_init_command(*vlm);
  add_vlm_input_command(*vlm);
  add_vlm_inspect_command(*vlm);
  add_vlm_logits_command(*vlm);
  add_vlm_grad_command(*vlm);
  add_vlm_train_command(*vlm);
  add_vlm_generate_command(*vlm);
  add_vlm_positions_command(*vlm);
  add_vlm_check_command(*vlm);
  add_vlm_niah_command(*vlm);
  add_vlm_dump_qk_command(*vlm);
}

}  // namespace hopelab::cli
