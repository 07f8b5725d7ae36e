#pragma once
// How well a model answers needle examples (sim/train/needle_task.h), forward only: the mean
// cross-entropy of the answer and the fraction answered right (argmax over the vocabulary at the
// question), the quantities a training run's log reports per batch.

#include <cstdint>
#include <vector>

#include "sim/train/needle_task.h"
#include "sim/vlm/vlm_model.h"

namespace hopelab {

struct NeedleScore {
  double loss = 0.0;        // mean -log p(answer)
  double accuracy = 0.0;    // fraction of argmax hits
  std::int64_t examples = 0;
};

// Examples first_index .. first_index + count - 1 of the task, each drawn as needle_example does.
NeedleScore score_needle(const VlmModel& model, const NeedleTask& task, std::uint64_t first_index,
                         std::int64_t count);

// The same at a fixed length and needle frame (an evaluation grid's cell).
NeedleScore score_needle_at(const VlmModel& model, const NeedleTask& task, std::uint64_t first_index,
                            std::int64_t count, std::int64_t frames, std::int64_t needle_frame);

}  // namespace hopelab
