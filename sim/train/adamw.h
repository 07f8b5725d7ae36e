#pragma once
// AdamW (Loshchilov & Hutter 2019) with bias correction and decoupled weight decay, the update of
// torch.optim.AdamW, and global-norm gradient clipping as torch.nn.utils.clip_grad_norm_
// (docs/vlm.md "Training"). At step t = 1, 2, ... with learning rate lr, for every parameter:
//   p <- p (1 - lr wd);  m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;
//   p <- p - lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps).
// Parameters and moments stay float32; each element's update is computed in double and rounded
// once, the same for any thread count.

#include <cstdint>

#include "sim/vlm/tensor.h"

namespace hopelab {

struct AdamWSettings {
  double beta1 = 0.9;
  double beta2 = 0.95;
  double eps = 1e-8;
  double weight_decay = 0.1;  // applied to every parameter
};

// The optimiser's state: steps taken and the moments m, v under the parameters' names.
struct AdamWState {
  std::int64_t step = 0;
  TensorMap first_moment;   // m
  TensorMap second_moment;  // v
};

// Zero moments shaped as `parameters`, step 0.
AdamWState adamw_state(const TensorMap& parameters);

// One update of *parameters (values in place: views into them stay valid) by gradients of the
// same names and shapes. Throws InputError when a name or shape differs.
void adamw_step(const AdamWSettings& settings, double lr, const TensorMap& gradients, TensorMap* parameters,
                AdamWState* state);

// The global L2 norm of all tensors of the map, summed in double.
double global_norm(const TensorMap& tensors);

// The global L2 norm of all gradients; when it exceeds max_norm, every
// gradient is scaled by max_norm / (norm + 1e-6) (torch's clip_grad_norm_). Returns the norm
// before clipping. max_norm <= 0: no clipping.
double clip_gradient_norm(double max_norm, TensorMap* gradients);

}  // namespace hopelab
