#pragma once
// optimizer.safetensors (docs/vlm.md "Training"): AdamW's state beside a checkpoint, as
// torch.optim.AdamW names it: F32 tensors "exp_avg.<parameter>" (m) and "exp_avg_sq.<parameter>"
// (v) of the parameter's shape, and the steps taken in __metadata__ "step".

#include <string>

#include "sim/train/adamw.h"
#include "sim/vlm/tensor.h"

namespace hopelab {

// Written to a temporary and renamed into place.
void write_optimizer_file(const std::string& path, const AdamWState& state);

// Reads the state of a model whose weights are `parameters`: every parameter's two moments with
// its shape, finite, nothing else, and a step in [0, 10^12]. Throws InputError naming the file and
// the first bad tensor or value.
AdamWState read_optimizer_file(const std::string& path, const TensorMap& parameters);

}  // namespace hopelab
