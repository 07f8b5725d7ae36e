#include "plot_command.h"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "command_json.h"
#include "plot/figures.h"
#include "record_output.h"
#include "results/results_file.h"
#include "theory/escape_text.h"
#include "theory/input_error.h"

namespace hopelab::cli {

namespace {

struct Family {
  const char* name;   // for --only
  const char* needs;  // the units it is made from, for the "skipped (no ...)" line
  std::function<std::vector<plot::Figure>(const results::ResultsFile&)> make;
};

const std::vector<Family>& families() {
  static const std::vector<Family> all = {
      {"preference", "preference or mc-preference units", plot::preference_figures},
      {"base-bound", "base-bound units", plot::base_bound_figures},
      {"retrieval", "mc-retrieval units", plot::retrieval_figures},
      {"first-violation", "first-violation run sweeping 3 or more bases", plot::first_violation_figures},
      {"cosine-map", "cosine-map units", plot::cosine_map_figures},
      {"gamma", "run along frames sweeping gamma",
       [](const results::ResultsFile& file) {
         std::vector<plot::Figure> figures = plot::gamma_violation_figures(file);
         for (plot::Figure& f : plot::gamma_preference_figures(file)) figures.push_back(std::move(f));
         return figures;
       }},
      {"precision", "phase-error units, nor mc-preference units of both precisions",
       [](const results::ResultsFile& file) {
         std::vector<plot::Figure> figures = plot::precision_figures(file);
         for (plot::Figure& f : plot::phase_error_figures(file)) figures.push_back(std::move(f));
         return figures;
       }},
      {"vlm", "vlm-frame-match units", plot::vlm_frame_match_figures},
      {"vlm-niah", "vlm-niah units", plot::vlm_niah_figures},
  };
  return all;
}

std::string family_list() {
  std::string out;
  for (const Family& f : families()) out += (out.empty() ? "" : ", ") + std::string(f.name);
  return out;
}

struct PlotArgs {
  std::string input;
  std::string output = "data/figures/";
  std::vector<std::string> only;
  bool json = false;
};

void run_plot(const PlotArgs& args, const CLI::App& cmd) {
  for (const std::string& name : args.only) {
    bool known = false;
    for (const Family& f : families()) known = known || name == f.name;
    if (!known) throw InputError("--only: unknown figure '" + name + "' (" + family_list() + ")");
  }
  const results::ResultsFile file = results::read_results_file(args.input);
  plot::FigureSet set(args.output);  // nothing reaches args.output unless every figure is drawn
  std::vector<std::string> lines;
  std::size_t made = 0;
  Json figures_json = Json::array(), skipped_json = Json::array();
  for (const Family& family : families()) {
    if (!args.only.empty() && std::find(args.only.begin(), args.only.end(), family.name) == args.only.end()) continue;
    std::vector<plot::Figure> figures = family.make(file);
    if (figures.empty()) {
      lines.push_back("hopelab plot: skipped " + std::string(family.name) + " (no " + family.needs + ")");
      skipped_json.push_back({{"family", family.name}, {"needs", family.needs}});
    }
    for (plot::Figure& figure : figures) {
      const std::string stem = set.add(std::move(figure), args.input);
      lines.push_back("hopelab plot: " + std::string(family.name) + ": " +
                      (std::filesystem::path(args.output) / stem).string() + ".{png,svg,gp,dat}");
      figures_json.push_back({{"family", family.name}, {"stem", stem}, {"files", {"png", "svg", "gp", "dat"}}});
      ++made;
    }
  }
  set.commit();
  if (args.json) {
    const Json result = {{"input", args.input},
                         {"output", args.output},
                         {"figures", figures_json},
                         {"skipped", skipped_json},
                         {"results_provenance", provenance_json(file.provenance)}};
    std::cout << json_line(command_json(cmd, result)) << '\n';
    return;
  }
  for (const std::string& line : lines) std::cout << escape_control(line) << "\n";
  std::cout << made << " figure" << (made == 1 ? "" : "s") << " from " << escape_control(args.input) << " -> "
            << escape_control(args.output) << "\n";
}

}  // namespace

void add_plot_command(CLI::App& app) {
  auto args = std::make_shared<PlotArgs>();
  CLI::App* sub = app.add_subcommand(
      "plot", "Figures of a results file: NAME.png, NAME.svg, NAME.gp (gnuplot script) and NAME.dat");
  sub->add_option("results", args->input, "hopelab results file (HDF5)")->required();
  sub->add_option("-o,--output", args->output, "output directory (created if needed)")->capture_default_str();
  sub->add_option("--only", args->only, "figure families: " + family_list())->delimiter(',');
  sub->add_flag("--json", args->json, "print one JSON object: settings, figures written, provenance");
  sub->callback([args, sub] { run_plot(*args, *sub); });
}

}  // namespace hopelab::cli
