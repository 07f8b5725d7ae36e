#pragma once
// A checkpoint directory as Hugging Face stores Qwen2-VL: config.json (vlm/config_json.h) plus
// model.safetensors, or shards listed by model.safetensors.index.json ({"weight_map": {tensor:
// shard file}}). Tensors are checked against sim/vlm/parameters.h's names and shapes.

#include <cstdint>
#include <string>

#include "sim/vlm/tensor.h"
#include "sim/vlm/vlm_config.h"
#include "vlm/safetensors.h"

namespace hopelab {

struct Checkpoint {
  VlmConfig config;
  TensorMap weights;          // every expected_parameters(config) name, widened to float
  std::string stored_dtypes;  // e.g. "BF16", or "F16+F32" when tensors differ
  int shards = 1;             // safetensors files read
};

// Throws InputError naming the file and tensor: a missing file, a bad config or safetensors
// file, a missing tensor (with its expected shape), a tensor of the wrong shape (expected and
// actual), an unexpected or integer tensor, a non-finite value (first bad index), an index
// whose shard is missing or outside the directory, or both a single file and an index.
Checkpoint load_checkpoint(const std::string& directory);

// The checks load_checkpoint applies to the tensors, with `source` naming them in errors.
void check_weights(const VlmConfig& config, const TensorMap& weights, const std::string& source);

// Writes config.json (torch_dtype from `dtype`) and the weights stored as `dtype` (F32, BF16 or
// F16; overflow is an InputError naming the tensor). max_shard_bytes 0 writes model.safetensors;
// otherwise shards of at most that many data bytes (one tensor may exceed it) and their index.
// Creates the directory; every file goes to a temporary first, and existing files are
// replaced only once all of them are written.
void save_checkpoint(const std::string& directory, const VlmConfig& config, const TensorMap& weights, Dtype dtype,
                     std::uint64_t max_shard_bytes = 0);

// "f32" / "bf16" / "f16" -> Dtype; anything else throws InputError naming it.
Dtype parse_weight_dtype(const std::string& text);

}  // namespace hopelab
