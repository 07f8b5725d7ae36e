// `hopelab vlm niah --model DIR`: the V-NIAH evaluation of a trained checkpoint, a one-unit run
// of kind vlm-niah (kinds/vlm_niah.h) with the model given, so no training: accuracy in every
// (length, depth) cell with its Wilson interval, at each test-time gamma. The task settings and
// the seed must be the ones the model was trained with (they draw the class patterns).

#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "kinds/vlm_niah.h"
#include "output/cli_output.h"
#include "results/run_record.h"
#include "unit_command.h"
#include "vlm_commands.h"

namespace hopelab::cli {

namespace {

std::string percent(double x) {
  char text[16];
  std::snprintf(text, sizeof text, "%.0f", 100 * x);
  return text;
}

// Per gamma: the grid's mean and its part beyond training, then accuracy (%) as a table of
// lengths (rows) by depths (columns).
void print_niah(const batch::WorkUnit&, const results::RunRecord& r, std::ostream& out) {
  using namespace kinds::vlm_niah;
  const std::vector<double> frames = results::dataset_numbers(r, kFrames.name);
  const std::vector<double> depth = results::dataset_numbers(r, kDepth.name);
  const std::vector<double> gamma = results::dataset_numbers(r, kEvalGamma.name);
  const std::vector<double> accuracy = results::dataset_numbers(r, kAccuracy.name);
  const std::vector<double> mean = results::dataset_numbers(r, kMeanAccuracy.name);
  const std::vector<double> beyond = results::dataset_numbers(r, kBeyondAccuracy.name);
  std::size_t columns = 0;  // cells are lengths (slowest) by depths: the first length's row
  while (columns < frames.size() && frames[columns] == frames.front()) ++columns;
  const std::size_t cells = frames.size();
  for (std::size_t g = 0; g < gamma.size(); ++g) {
    out << results::string_attribute(r, "method") << ", temporal step " << number_text(gamma[g])
        << ": accuracy " << percent(mean[g]) << " % over the grid, "
        << (std::isnan(beyond[g]) ? "no length beyond training" : percent(beyond[g]) + " % beyond the training lengths")
        << " (each cell " << static_cast<long long>(results::number_attribute(r, "examples", 0))
        << " examples; chance " << percent(1.0 / results::number_attribute(r, "classes", 1))
        << " %)\n";
    std::vector<std::string> header = {"frames \\ depth"};
    for (std::size_t c = 0; c < columns; ++c) header.push_back(number_text(depth[c]));
    Table table(header);
    for (std::size_t row = 0; row * columns < cells; ++row) {
      std::vector<std::string> line = {number_text(frames[row * columns])};
      for (std::size_t c = 0; c < columns; ++c) line.push_back(percent(accuracy[g * cells + row * columns + c]));
      table.add_row(line);
    }
    table.print(out);
  }
}

}  // namespace

void add_vlm_niah_command(CLI::App& vlm) {
  UnitCommandOptions options(print_niah);
  options.required = {"model"};
  options.skip = {"preset", "steps", "batch", "learning_rate", "warmup", "weight_decay", "dts", "frame_stride"};
  add_unit_subcommand(vlm, "niah", "V-NIAH accuracy of a trained model over haystack lengths x needle depths",
                      kinds::vlm_niah_kind(), options);
}

}  // namespace hopelab::cli
