#pragma once
// Named model sizes for `hopelab vlm init --preset NAME`:
//   tiny      ~0.6M parameters: vocab 1024, hidden 128 (4 heads of 32, 2 KV heads), 2 layers;
//             ViT 32 wide, 2 heads of 16, 2 blocks. Every test builds one on the fly.
//   needle    ~0.1M parameters: vocab 32, hidden 64 (4 heads of 16, 2 KV heads), 2 layers,
//             rope_theta 10^4; ViT 32 wide, 2 heads, 1 block, patch 2. The training task's model
//             (sim/train/needle_task.h).
//   base100m  ~108M parameters: vocab 32000 (tied), hidden 768 (12 heads of 64, 2 KV heads),
//             12 layers; ViT 384 wide, 6 heads, 4 blocks. For the throughput benchmark.
// tiny and base100m keep Qwen2-VL's patch 14; all keep its temporal patch 2, spatial merge 2, 3 channels, and put the
// special token ids at the top of the vocabulary.

#include <string>
#include <vector>

#include "sim/vlm/vlm_config.h"

namespace hopelab {

const std::vector<std::string>& vlm_preset_names();
// Throws InputError naming an unknown preset.
VlmConfig vlm_preset(const std::string& name);

}  // namespace hopelab
