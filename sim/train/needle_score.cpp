#include "sim/train/needle_score.h"

#include <functional>

#include "sim/train/cross_entropy.h"

namespace hopelab {
namespace {

NeedleScore score(const VlmModel& model, std::int64_t count,
                  const std::function<NeedleExample(std::uint64_t)>& example, std::uint64_t first_index) {
  NeedleScore s;
  double loss_sum = 0.0;
  std::int64_t correct = 0;
  for (std::int64_t e = 0; e < count; ++e) {
    const NeedleExample ex = example(first_index + static_cast<std::uint64_t>(e));
    const std::vector<float> logits = model.prefill(ex.input);
    const auto rows = static_cast<std::int64_t>(ex.input.input_ids.size());
    const CrossEntropy ce = cross_entropy(logits.data(), rows, model.config().vocab_size,
                                          shifted_targets(ex.input.labels), 1.0, nullptr);
    loss_sum += ce.loss_sum;
    correct += ce.correct;
  }
  s.examples = count;
  s.loss = count > 0 ? loss_sum / static_cast<double>(count) : 0.0;
  s.accuracy = count > 0 ? static_cast<double>(correct) / static_cast<double>(count) : 0.0;
  return s;
}

}  // namespace

NeedleScore score_needle(const VlmModel& model, const NeedleTask& task, std::uint64_t first_index,
                         std::int64_t count) {
  return score(model, count, [&](std::uint64_t i) { return needle_example(model.config(), task, i); }, first_index);
}

NeedleScore score_needle_at(const VlmModel& model, const NeedleTask& task, std::uint64_t first_index,
                            std::int64_t count, std::int64_t frames, std::int64_t needle_frame) {
  return score(
      model, count, [&](std::uint64_t i) { return needle_example_at(model.config(), task, i, frames, needle_frame); },
      first_index);
}

}  // namespace hopelab
