#pragma once
// The training loss (docs/vlm.md "Training"): Hugging Face's causal-LM convention. Logit row i
// predicts labels[i + 1] (labels shifted by one inside the loss); a label of -100 is ignored; the
// loss is the mean over the counted positions of -log softmax(logits_i)[label].
//   dloss / dlogits_i = (softmax(logits_i) - onehot(label)) / count.
// Sums in double.

#include <cstdint>
#include <vector>

namespace hopelab {

constexpr std::int64_t kIgnoreLabel = -100;

// The predicted label of every logit row: labels[i + 1], and kIgnoreLabel for the last row of
// each sequence (segments: a packed batch's lengths, summing to L; empty: one sequence).
// labels: (L); returns (L).
std::vector<std::int64_t> shifted_targets(const std::vector<std::int64_t>& labels,
                                          const std::vector<std::int64_t>& segments = {});

// Rows whose target is not ignored.
std::int64_t counted_targets(const std::vector<std::int64_t>& targets);

struct CrossEntropy {
  double loss_sum = 0.0;     // sum over counted rows of -log p(target)
  std::int64_t correct = 0;  // counted rows whose argmax (lowest index on ties) is the target
};

// Cross-entropy of logits (rows, V) against targets (rows), ids in [0, V) or ignored. dlogits
// (rows, V), when not null, is SET to (softmax - onehot) / normaliser on counted rows and 0 on
// ignored ones (normaliser: the counted rows of the whole batch).
CrossEntropy cross_entropy(const float* logits, std::int64_t rows, int vocab, const std::vector<std::int64_t>& targets,
                           double normaliser, float* dlogits);

}  // namespace hopelab
