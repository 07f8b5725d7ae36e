#pragma once
// The rotary settings of a model's config.json, for `--config PATH` wherever method options are
// given (docs/usage.md "Your own model"): Qwen2-VL, Qwen2.5-VL, Qwen3-VL and Llama-style text
// models, as transformers 4.45 to 5.x write them (hf_config.h). Only what sets a method's
// spectrum is read: the head dim, rope_theta, mrope_section (and whether it is interleaved) and
// partial_rotary_factor; the rest of the model is not checked.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hopelab {

struct ModelRotary {
  std::string model_type;                   // "qwen2_vl", "llama", ...; "" when the file has none
  std::int64_t head_dim = 0;                // d: head_dim, else hidden_size / num_attention_heads
  double rope_theta = 0;                    // b
  std::optional<std::vector<int>> mrope_section;  // [t, h, w] pairs, when the model has sections
  bool mrope_interleaved = false;           // Qwen3-VL's interleaved layout
  double partial_rotary_factor = 1.0;       // p: the first floor(p d) dimensions rotate
  std::int64_t rotary_dim = 0;              // r = floor(p d) (transformers' int(head_dim * p))
};

// Throws InputError, naming `source` and the key, for a mistyped or missing value, a head dim
// that is odd or does not divide hidden_size, a rotary dim r that is odd or zero, a section whose
// entries do not sum to r / 2, or a scaled rope type (yarn, llama3, ...) that hopelab's methods
// do not model. An omitted rope_theta takes transformers' default for Qwen2-VL, Qwen2.5-VL,
// Qwen3-VL (by the file's transformers_version: 5000000 before 5.0, 500000 from it) and Llama;
// other model types must state it.
ModelRotary parse_model_rotary(const std::string& text, const std::string& source);
ModelRotary read_model_rotary(const std::string& path);

}  // namespace hopelab
