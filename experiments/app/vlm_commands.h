#pragma once
// `hopelab vlm ...`: the small Qwen2-VL-architecture model's files (docs/vlm.md "Files and
// commands"). add_vlm_command creates the group and calls one add_vlm_*_command per file.

#include <CLI/CLI.hpp>

namespace hopelab::cli {

void add_vlm_command(CLI::App& app);

void add_vlm_init_command(CLI::App& vlm);     // vlm/vlm_init_command.cpp
void add_vlm_input_command(CLI::App& vlm);    // vlm/vlm_input_command.cpp
void add_vlm_inspect_command(CLI::App& vlm);  // vlm/vlm_inspect_command.cpp
void add_vlm_logits_command(CLI::App& vlm);     // vlm/vlm_logits_command.cpp
void add_vlm_grad_command(CLI::App& vlm);       // vlm/vlm_grad_command.cpp
void add_vlm_train_command(CLI::App& vlm);      // vlm/vlm_train_command.cpp
void add_vlm_generate_command(CLI::App& vlm);   // vlm/vlm_generate_command.cpp
void add_vlm_positions_command(CLI::App& vlm);  // vlm/vlm_positions_command.cpp
void add_vlm_check_command(CLI::App& vlm);      // vlm/vlm_check_command.cpp
void add_vlm_niah_command(CLI::App& vlm);       // vlm/vlm_niah_command.cpp
void add_vlm_dump_qk_command(CLI::App& vlm);    // vlm/vlm_dump_qk_command.cpp
// `hopelab bench vlm`, under the bench group.
void add_vlm_bench_command(CLI::App& bench);    // vlm/vlm_bench_command.cpp
// `hopelab bench train`, under the bench group.
void add_train_bench_command(CLI::App& bench);  // train_bench_command.cpp

}  // namespace hopelab::cli
