#pragma once
// The loss of a prompt and the gradient of every parameter (docs/vlm.md "Training"): the
// training forward (sim/vlm/vlm_graph.h prefill_logits with a ForwardTape, the same graph as
// `vlm logits`), the cross-entropy against shifted labels (cross_entropy.h), then the backward:
// language model (decoder_backward.h), text rows into embed_tokens, visual rows through each
// grid's merger and vision tower (vision_backward.h). Gradients in float32, under the
// parameters' own names and shapes.

#include <cstdint>
#include <vector>

#include "sim/train/cross_entropy.h"
#include "sim/vlm/tensor.h"
#include "sim/vlm/vlm_model.h"

namespace hopelab {

// Throws InputError naming the first label that is neither -100 nor an id in [0, V), or a
// length other than input_ids'.
void validate_labels(const VlmConfig& config, const std::vector<std::int64_t>& labels, std::size_t length);

// The labels of a prompt without its own: input_ids with the image and video placeholder ids
// ignored (-100).
std::vector<std::int64_t> default_labels(const VlmConfig& config, const std::vector<std::int64_t>& input_ids);

// Adds d(loss_sum / normaliser)/d(parameters) of one prompt into *gradients (zero_gradients of
// the model's tensors, or a running sum). labels: (L), checked. options: as prefill's (the
// positions of a scaled video, an offset); no probe. Returns the prompt's cross-entropy sums.
CrossEntropy add_prompt_gradients(const VlmModel& model, const VlmInput& input, const std::vector<std::int64_t>& labels,
                                  double normaliser, TensorMap* gradients, const PrefillOptions& options = {});

struct LossAndGradients {
  double loss = 0.0;              // mean cross-entropy over the counted labels
  std::int64_t label_tokens = 0;  // counted labels
  std::int64_t correct = 0;       // of them, argmax hits
  TensorMap gradients;            // d loss / d parameter, the model's names and shapes
};

// One prompt's loss and gradients. Throws InputError for bad input or labels, or no counted label.
LossAndGradients loss_and_gradients(const VlmModel& model, const VlmInput& input,
                                    const std::vector<std::int64_t>& labels, const PrefillOptions& options = {});

}  // namespace hopelab
