#pragma once
// The V-NIAH evaluation of a model (docs/vlm.md "Training"): needle examples (needle_task.h) on a
// grid of haystack lengths F (frames) x needle depths, the depth a fraction of the video,
// needle frame = min(F - 1, floor(depth F)); in each cell, how many answers the model gets right
// and, per layer and query head, the attention weight the question token (the query that
// predicts the answer) puts on the needle frame's tokens.
//
// Cell c's examples are the task's indices kEvaluationFirstIndex + c E .. + E - 1: the same
// examples for every model evaluated with the same task seed (paired comparisons), and none of
// a training run's (whose indices stay below 2^46).

#include <cstdint>
#include <vector>

#include "sim/train/needle_task.h"
#include "sim/vlm/vlm_model.h"

namespace hopelab {

inline constexpr std::uint64_t kEvaluationFirstIndex = std::uint64_t{1} << 62;

struct NeedleGrid {
  std::vector<std::int64_t> frames;  // haystack lengths F
  std::vector<double> depths;        // in [0, 1]
  std::int64_t examples = 20;        // E per cell
  // The needle mass is measured on the first A of each cell's examples (one prefill per layer
  // each; the others take one prefill for the answer).
  std::int64_t attention_examples = 4;  // A, in [1, E]
};

struct NeedleCell {
  std::int64_t frames = 0, needle_frame = 0;
  double depth = 0.0;
  std::int64_t correct = 0, examples = 0;
  double loss = 0.0;                // mean -log p(answer)
  std::vector<double> needle_mass;  // (layers, n_h): mean over the cell's attention examples
};

// Throws InputError for an empty grid, a length the task refuses or given twice, a depth
// outside [0, 1] or given twice,
// examples outside [1, 10^6] or attention examples outside [1, examples].
void check_needle_grid(const NeedleGrid& grid, const NeedleTask& task, const VlmConfig& config);

// The cells in row-major order (lengths slowest). Examples run in parallel; the result does not
// depend on the thread count.
std::vector<NeedleCell> evaluate_needle_grid(const VlmModel& model, const NeedleTask& task, const NeedleGrid& grid);

}  // namespace hopelab
