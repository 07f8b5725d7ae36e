#include "sim/train/gradient_views.h"

namespace hopelab {

TensorMap zero_gradients(const TensorMap& weights) {
  TensorMap zeros;
  for (const auto& [name, tensor] : weights) {
    Tensor& z = zeros[name];
    z.shape = tensor.shape;
    z.data.assign(tensor.data.size(), 0.0f);
  }
  return zeros;
}

GradientViews gradient_views(const VlmConfig& config, TensorMap* gradients) {
  return model_weights(config, *gradients, GradientViewOps{});
}

}  // namespace hopelab
