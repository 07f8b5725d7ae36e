#pragma once
// The backward pass of the language model (sim/vlm/language_model.h) over one prompt of L rows,
// reading what the training forward kept (ForwardTape): the final norm and lm_head, then each
// decoder layer in reverse (SwiGLU MLP, RMSNorm2, o_proj, causal GQA attention, the rotary,
// q/k/v projections, RMSNorm1). Host float32.

#include <cstdint>

#include "sim/train/gradient_views.h"
#include "sim/vlm/forward_tape.h"
#include "sim/vlm/host_ops.h"
#include "sim/vlm/vlm_config.h"
#include "sim/vlm/vlm_rotary.h"

namespace hopelab {

// Adds the language model's parameter gradients into *g, given dlogits (L, V); returns in dx
// (L, H, zeros on entry) the gradient of the decoder's input embeddings.
void language_backward(const VlmConfig& c, const LanguageWeights<HostOps>& w, const RotaryTable& rotary,
                       const ForwardTape<HostOps>& tape, std::int64_t rows, const float* dlogits, float* dx,
                       LanguageWeights<GradientViewOps>* g);

}  // namespace hopelab
