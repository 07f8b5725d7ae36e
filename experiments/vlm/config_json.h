#pragma once
// config.json of a Qwen2-VL-architecture checkpoint: Hugging Face's Qwen2VLConfig keys
// (docs/vlm.md "Configuration"). Reading ignores unknown keys (real configs carry many); writing
// adds what transformers' Qwen2VLForConditionalGeneration needs to load the directory.

#include <string>

#include "sim/vlm/vlm_config.h"

namespace hopelab {

// A missing or mistyped key, or an inconsistent value (validate_vlm_config, sim/vlm/vlm_config.h),
// throws InputError naming `source`, the key and the value. The vision LayerNorm eps and rotary base keep their fixed defaults.
VlmConfig parse_config_json(const std::string& text, const std::string& source);
VlmConfig read_config_json(const std::string& path);

// The text of config.json; torch_dtype is "float32", "bfloat16" or "float16".
std::string config_json_text(const VlmConfig& config, const std::string& torch_dtype);

}  // namespace hopelab
