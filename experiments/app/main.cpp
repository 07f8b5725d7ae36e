// hopelab: exact theory and Monte Carlo of multimodal rotary position embeddings.
// Exit status: 0 success, 2 bad input (one line naming the bad value), 1 internal error.

#include <iostream>

#include <CLI/CLI.hpp>

#include "run_command.h"
#include "bench_command.h"
#include "mc_commands.h"
#include "mc_retrieval_command.h"
#include "plot_command.h"
#include "inspect_command.h"
#include "kinds_command.h"
#include "merge_command.h"
#include "theory/input_error.h"
#include "theory_commands.h"
#include "theory_report.h"
#include "unit_command.h"
#include "vlm_commands.h"

namespace {

// CLI11 reads an empty value ("--base ''") as 0 or as unset; refuse it with the flag's name.
void refuse_empty_values(CLI::App& app) {
  for (CLI::Option* option : app.get_options()) {
    if (option->get_expected_min() == 0) continue;  // flags take no value
    option->check(CLI::Validator(
        [](std::string& value) { return value.empty() ? std::string("empty value ''") : std::string(); }, "", ""));
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) refuse_empty_values(*sub);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"hopelab: exact theory and Monte Carlo of multimodal rotary position embeddings", "hopelab"};
  app.require_subcommand(1);
  hopelab::cli::add_theory_commands(app);
  hopelab::cli::add_theory_report_command(*app.get_subcommand("theory"));
  hopelab::cli::add_positions_command(app);
  hopelab::cli::add_mc_commands(app);
  hopelab::cli::add_mc_retrieval_command(*app.get_subcommand("mc"));
  hopelab::cli::add_bench_commands(app);
  hopelab::cli::add_run_command(app);
  hopelab::cli::add_kinds_command(app);
  hopelab::cli::add_unit_command(app);
  hopelab::cli::add_inspect_command(app);
  hopelab::cli::add_merge_command(app);
  hopelab::cli::add_plot_command(app);
  hopelab::cli::add_vlm_command(app);
  hopelab::cli::add_vlm_bench_command(*app.get_subcommand("bench"));
  hopelab::cli::add_train_bench_command(*app.get_subcommand("bench"));
  refuse_empty_values(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    return app.exit(CLI::CallForHelp());
  } catch (const CLI::CallForAllHelp&) {
    return app.exit(CLI::CallForAllHelp());
  } catch (const CLI::ParseError& e) {
    std::cerr << "hopelab: error: " << e.what() << "\n";
    return 2;
  } catch (const hopelab::InputError& e) {
    std::cerr << "hopelab: error: " << e.what() << "\n";
    return 2;
  } catch (const std::bad_alloc&) {
    std::cerr << "hopelab: error: out of memory (input too large)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "hopelab: internal error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
