#pragma once
// The gradient of every parameter, held as a TensorMap of the model's own names and shapes
// (sim/vlm/parameters.h), and viewed layer by layer as the backward pass writes it: the same
// ModelWeights structure and the same one list of names (model_weights) as the forward's
// weights, over an Ops whose Param and Linear are writable views. With tie_word_embeddings,
// lm_head's view is embed_tokens' gradient, so both uses add into one tensor.

#include <cstddef>

#include "sim/train/backward_ops.h"
#include "sim/vlm/model_weights.h"
#include "sim/vlm/tensor.h"
#include "sim/vlm/vlm_config.h"

namespace hopelab {

// The "ops" of gradient views: model_weights reads the names through it.
struct GradientViewOps {
  using Param = float*;
  using Linear = LinearGradient;
  // The gradient map is not const where the views are made (gradient_views); model_weights
  // takes it as const because it also serves the read-only weights.
  Param param(const float* data, std::size_t /*n*/) const { return const_cast<float*>(data); }
  Linear linear_weights(const LinearWeights& l) const {
    return {const_cast<float*>(l.weight), const_cast<float*>(l.bias), l.out, l.in};
  }
};

using GradientViews = ModelWeights<GradientViewOps>;

// Zeros of the shape of every tensor of `weights`.
TensorMap zero_gradients(const TensorMap& weights);

// Views into *gradients (a map from zero_gradients of the model's weights); they stay valid while
// the map's tensors are not resized.
GradientViews gradient_views(const VlmConfig& config, TensorMap* gradients);

}  // namespace hopelab
