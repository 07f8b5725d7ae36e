#pragma once
// `hopelab theory report`: the theory at one setting (default Qwen2: d = 128, base 1e6) for
// every named method: allocation, first violations along text and frames, critical length.

#include <CLI/CLI.hpp>

namespace hopelab::cli {

void add_theory_report_command(CLI::App& theory);

}  // namespace hopelab::cli
