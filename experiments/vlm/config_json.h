#pragma once
// config.json of a Qwen2-VL-architecture checkpoint: Hugging Face's Qwen2VLConfig keys
// (docs/vlm.md "Configuration"), as transformers 4.45 to 5.x write them (hf_config.h: omitted
// keys take transformers' defaults; language settings at the top level or under text_config).
// Reading ignores unknown keys (real configs carry many); writing adds what transformers'
// Qwen2VLForConditionalGeneration needs to load the directory.

#include <string>

#include "sim/vlm/vlm_config.h"

namespace hopelab {

// A mistyped key, a required key missing, an inconsistent value (validate_vlm_config,
// sim/vlm/vlm_config.h), another model_type, or a setting hopelab's model does not implement
// (another activation, a sliding window, a scaled, interleaved or partial rotary) throws
// InputError naming `source`, the key and the value. The vision LayerNorm eps stays 1e-6.
VlmConfig parse_config_json(const std::string& text, const std::string& source);
VlmConfig read_config_json(const std::string& path);

// The text of config.json; torch_dtype is "float32", "bfloat16" or "float16".
std::string config_json_text(const VlmConfig& config, const std::string& torch_dtype);

}  // namespace hopelab
