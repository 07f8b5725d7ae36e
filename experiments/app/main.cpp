// hopelab: exact theory and Monte Carlo of multimodal rotary position embeddings.
// Exit status: 0 success, 2 bad input (one line naming the bad value), 1 internal error.
// No arguments: the usage on stdout, exit 0. --version: the version and git describe of the build.
// Every error is one stderr line with its control characters escaped; HDF5 prints nothing itself.

#include <iostream>
#include <string>

#include <CLI/CLI.hpp>
#include <hdf5.h>

#include "run_command.h"
#include "claims_command.h"
#include "bench_command.h"
#include "mc_commands.h"
#include "mc_retrieval_command.h"
#include "plot_command.h"
#include "results/build_info.h"
#include "inspect_command.h"
#include "kinds_command.h"
#include "merge_command.h"
#include "theory/escape_text.h"
#include "theory/input_error.h"
#include "theory_commands.h"
#include "theory_report.h"
#include "unit_command.h"
#include "vlm_commands.h"
#include "thread_environment.h"

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

// "hopelab vlm", "hopelab run": the subcommands CLI11 parsed, outermost first.
std::string command_path(const CLI::App& app) {
  std::string path = app.get_name();
  for (const CLI::App* at = &app;;) {
    const auto parsed = at->get_subcommands();
    if (parsed.empty()) return path;
    at = parsed.front();
    path += " " + at->get_name();
  }
}

// The first word of argv that names no subcommand where one is required ("hopelab foo",
// "hopelab vlm foo"), as an error message; empty when every word was a known subcommand.
std::string unknown_subcommand(const CLI::App& app, int argc, char** argv) {
  const CLI::App* at = &app;
  std::string path = app.get_name();
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (at->get_require_subcommand_min() == 0) return "";
    if (!word.empty() && word[0] == '-') continue;
    const CLI::App* next = nullptr;
    for (const CLI::App* sub : at->get_subcommands([](const CLI::App*) { return true; })) {
      if (sub->check_name(word)) next = sub;
    }
    if (next == nullptr) return "unknown subcommand '" + word + "' of '" + path + "' (see " + path + " --help)";
    at = next;
    path += " " + next->get_name();
  }
  return "";
}

// The command line (escaped, shortened) for errors that have no better name for their cause.
std::string command_line(int argc, char** argv) {
  std::string line = "hopelab";
  for (int i = 1; i < argc; ++i) line += std::string(" ") + argv[i];
  if (line.size() > 200) line = line.substr(0, 200) + "...";
  return line;
}

int fail(const std::string& prefix, const std::string& message, int status) {
  std::cout << std::flush;
  std::cerr << prefix + hopelab::escape_control(message) + "\n";  // one write: mpirun passes it on whole
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  hopelab::cli::run_with_thread_environment(argv);  // passive waits, a quota's threads (thread_environment.h)
  CLI::App app{"hopelab: exact theory and Monte Carlo of multimodal rotary position embeddings", "hopelab"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("hopelab ") + hopelab::results::build_version() + " (git " +
                                        hopelab::results::build_git_describe() + ")",
                       "print the version and the git commit of this build, then exit");
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
  hopelab::cli::add_claims_command(app);
  hopelab::cli::add_merge_command(app);
  hopelab::cli::add_plot_command(app);
  hopelab::cli::add_vlm_command(app);
  hopelab::cli::add_vlm_bench_command(*app.get_subcommand("bench"));
  hopelab::cli::add_train_bench_command(*app.get_subcommand("bench"));
  refuse_empty_values(app);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // HDF5 failures become our one-line errors
  if (argc == 1) {  // a new user's first try: the usage, not an error
    std::cout << app.help();
    return 0;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    return app.exit(CLI::CallForHelp());
  } catch (const CLI::CallForAllHelp&) {
    return app.exit(CLI::CallForAllHelp());
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    const std::string unknown = unknown_subcommand(app, argc, argv);
    return fail("hopelab: error: ", unknown.empty() ? e.what() : unknown, 2);
  } catch (const hopelab::InputError& e) {
    return fail("hopelab: error: ", e.what(), 2);
  } catch (const std::bad_alloc&) {
    return fail("hopelab: error: ",
                "out of memory in '" + command_path(app) +
                    "' (an input or a requested size too large for this machine: " + command_line(argc, argv) + ")",
                2);
  } catch (const std::exception& e) {
    return fail("hopelab: internal error: ", e.what(), 1);
  }
  return 0;
}
