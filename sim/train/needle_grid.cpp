#include "sim/train/needle_grid.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "sim/train/cross_entropy.h"
#include "theory/input_error.h"
#include "theory/text_format.h"

namespace hopelab {
namespace {

std::int64_t needle_frame_at(std::int64_t frames, double depth) {
  return std::min(frames - 1, static_cast<std::int64_t>(std::floor(depth * static_cast<double>(frames))));
}

// One example's answer, loss and needle masses (layers, n_h).
struct ExampleResult {
  bool correct = false;
  double loss = 0.0;
  std::vector<double> needle_mass;
};

// The answer and loss from one prefill; with `all_layers`, each layer's needle mass from a
// prefill probing it (the first also answers; needle_mass empty otherwise).
ExampleResult evaluate_example(const VlmModel& model, const NeedleExample& ex, std::int64_t tokens_per_frame,
                               bool all_layers) {
  const VlmConfig& c = model.config();
  const std::vector<std::int64_t>& ids = ex.input.input_ids;
  const auto rows = static_cast<std::int64_t>(ids.size());
  // The prompt ends with the question and the answer: the question's row predicts the answer.
  const std::int64_t question = rows - 2;
  const auto start = std::find(ids.begin(), ids.end(), c.vision_start_token_id);
  const std::int64_t first = (start - ids.begin()) + 1 + ex.needle_frame * tokens_per_frame;

  ExampleResult out;
  const auto heads = static_cast<std::size_t>(c.num_attention_heads);
  if (all_layers) out.needle_mass.assign(static_cast<std::size_t>(c.num_hidden_layers) * heads, 0.0);
  const int passes = all_layers ? c.num_hidden_layers : 1;
  for (int layer = 0; layer < passes; ++layer) {
    AttentionProbe probe;
    probe.layer = layer;
    probe.query = question;
    PrefillOptions options;
    if (all_layers) options.probe = &probe;
    const std::vector<float> logits = model.prefill(ex.input, nullptr, options);
    for (std::size_t h = 0; all_layers && h < heads; ++h) {
      double mass = 0.0;  // weights (n_h, L): head h's row, summed over the needle frame's tokens
      for (std::int64_t j = first; j < first + tokens_per_frame; ++j) {
        mass += probe.weights[h * static_cast<std::size_t>(rows) + static_cast<std::size_t>(j)];
      }
      out.needle_mass[static_cast<std::size_t>(layer) * heads + h] = mass;
    }
    if (layer == 0) {  // the logits do not depend on the probe
      const CrossEntropy ce =
          cross_entropy(logits.data(), rows, c.vocab_size, shifted_targets(ex.input.labels), 1.0, nullptr);
      out.correct = ce.correct > 0;
      out.loss = ce.loss_sum;
    }
  }
  return out;
}

}  // namespace

void check_needle_grid(const NeedleGrid& grid, const NeedleTask& task, const VlmConfig& config) {
  if (grid.frames.empty()) throw InputError("the evaluation grid needs at least one length");
  if (grid.depths.empty()) throw InputError("the evaluation grid needs at least one depth");
  for (std::size_t i = 0; i < grid.depths.size(); ++i) {
    const double d = grid.depths[i];
    if (!(d >= 0 && d <= 1)) throw InputError("needle depth " + format_number(d) + " is outside [0, 1]");
    if (std::find(grid.depths.begin(), grid.depths.begin() + static_cast<std::ptrdiff_t>(i), d) !=
        grid.depths.begin() + static_cast<std::ptrdiff_t>(i)) {
      throw InputError("needle depths: " + format_number(d) + " is given twice");
    }
  }
  for (std::size_t i = 0; i < grid.frames.size(); ++i) {
    if (std::find(grid.frames.begin(), grid.frames.begin() + static_cast<std::ptrdiff_t>(i), grid.frames[i]) !=
        grid.frames.begin() + static_cast<std::ptrdiff_t>(i)) {
      throw InputError("haystack lengths: " + std::to_string(grid.frames[i]) + " is given twice");
    }
  }
  if (grid.examples < 1 || grid.examples > 1000000) {
    throw InputError("examples per cell = " + std::to_string(grid.examples) + " is outside [1, 10^6]");
  }
  if (grid.attention_examples < 1 || grid.attention_examples > grid.examples) {
    throw InputError("attention examples = " + std::to_string(grid.attention_examples) + " is outside [1, examples = " +
                     std::to_string(grid.examples) + "]");
  }
  for (std::int64_t f : grid.frames) check_needle_length(task, config, f);
}

std::vector<NeedleCell> evaluate_needle_grid(const VlmModel& model, const NeedleTask& task, const NeedleGrid& grid) {
  check_needle_grid(grid, task, model.config());
  const std::int64_t tokens_per_frame = task.grid_height * task.grid_width;
  std::vector<NeedleCell> cells;
  for (std::int64_t f : grid.frames) {
    for (double d : grid.depths) {
      NeedleCell cell;
      cell.frames = f;
      cell.depth = d;
      cell.needle_frame = needle_frame_at(f, d);
      cell.examples = grid.examples;
      cells.push_back(cell);
    }
  }
  const auto total = static_cast<std::int64_t>(cells.size()) * grid.examples;
  std::vector<ExampleResult> results(static_cast<std::size_t>(total));
#pragma omp parallel for schedule(dynamic)
  for (std::int64_t i = 0; i < total; ++i) {
    const NeedleCell& cell = cells[static_cast<std::size_t>(i / grid.examples)];
    const NeedleExample ex = needle_example_at(model.config(), task, kEvaluationFirstIndex + static_cast<std::uint64_t>(i),
                                               cell.frames, cell.needle_frame);
    results[static_cast<std::size_t>(i)] =
        evaluate_example(model, ex, tokens_per_frame, i % grid.examples < grid.attention_examples);
  }
  for (std::size_t c = 0; c < cells.size(); ++c) {  // sums in example order: any thread count
    NeedleCell& cell = cells[c];
    double loss = 0.0;
    std::int64_t probed = 0;
    for (std::int64_t e = 0; e < grid.examples; ++e) {
      const ExampleResult& r = results[c * static_cast<std::size_t>(grid.examples) + static_cast<std::size_t>(e)];
      cell.correct += r.correct ? 1 : 0;
      loss += r.loss;
      if (r.needle_mass.empty()) continue;
      if (cell.needle_mass.empty()) cell.needle_mass.assign(r.needle_mass.size(), 0.0);
      for (std::size_t k = 0; k < r.needle_mass.size(); ++k) cell.needle_mass[k] += r.needle_mass[k];
      ++probed;
    }
    cell.loss = loss / static_cast<double>(grid.examples);
    for (double& m : cell.needle_mass) m /= static_cast<double>(probed);
  }
  return cells;
}

}  // namespace hopelab
