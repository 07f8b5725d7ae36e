#include "vlm/rotary_config.h"

#include <cmath>

#include "theory/escape_text.h"
#include "theory/input_error.h"
#include "vlm/file_bytes.h"
#include "vlm/hf_config.h"

namespace hopelab {

namespace {

constexpr std::int64_t kMaxWidth = std::int64_t{1} << 20;

// transformers' rope_theta for a file that leaves it out; 0 where the model type has no default
// hopelab knows (then the file must state it).
double default_theta(const std::string& model_type, const std::string& transformers_version) {
  if (model_type == "qwen2_vl" || model_type == "qwen2_5_vl") return 1e6;
  if (model_type == "qwen3_vl") {
    const bool v5 = !transformers_version.empty() && transformers_version[0] >= '5' && transformers_version[0] <= '9';
    return v5 ? 5e5 : 5e6;  // Qwen3VLTextConfig: 5000000.0 in 4.57, default_theta 500000.0 in 5.x
  }
  if (model_type == "llama") return 1e4;
  return 0;
}

}  // namespace

ModelRotary parse_model_rotary(const std::string& text, const std::string& source) {
  const hf_config::Json root = hf_config::parse_object(text, source);
  const hf_config::Keys top(root, "", source);
  const hf_config::Keys language = hf_config::language_keys(root, source);
  ModelRotary m;
  m.model_type = top.text("model_type", "");
  const bool qwen2 = m.model_type == "qwen2_vl" || m.model_type == "qwen2_5_vl";

  const std::int64_t heads = language.integer("num_attention_heads", 1, kMaxWidth);
  const std::int64_t hidden = language.integer("hidden_size", 1, kMaxWidth);
  const bool divides = hidden % heads == 0;
  if (language.has("head_dim") && !qwen2) {
    m.head_dim = language.integer("head_dim", 1, kMaxWidth);
  } else {
    if (!divides) {
      language.fail("key '" + language.path("hidden_size") + "' = " + std::to_string(hidden) +
                    " is not divisible by num_attention_heads = " + std::to_string(heads));
    }
    m.head_dim = hidden / heads;
    if (language.has("head_dim") && language.integer("head_dim", 1, kMaxWidth) != m.head_dim) {
      language.fail("key '" + language.path("head_dim") + "' = " +
                    std::to_string(language.integer("head_dim", 1, kMaxWidth)) +
                    " differs from hidden_size / num_attention_heads = " + std::to_string(m.head_dim) + ", which " +
                    escape_control(m.model_type) + "'s attention uses");
    }
  }
  if (m.head_dim % 2 != 0) language.fail("head dim " + std::to_string(m.head_dim) + " is odd");

  const double fallback = default_theta(m.model_type, top.text("transformers_version", ""));
  if (fallback == 0 && !language.has("rope_theta")) {
    const std::optional<hf_config::Keys> rope = language.object("rope_parameters");
    if (!rope || !rope->has("rope_theta")) {
      language.fail("no rope_theta, and model_type \"" + escape_control(m.model_type) +
                    "\" has no default hopelab knows");
    }
  }
  const hf_config::RopeSettings rope = hf_config::read_rope(language, fallback);
  m.rope_theta = rope.theta;
  m.mrope_section = rope.section;
  m.mrope_interleaved = rope.interleaved;
  m.partial_rotary_factor = rope.partial_rotary_factor;
  // transformers: dim = int(head_dim * partial_rotary_factor)
  m.rotary_dim = static_cast<std::int64_t>(std::floor(static_cast<double>(m.head_dim) * m.partial_rotary_factor));
  if (m.rotary_dim < 2 || m.rotary_dim % 2 != 0) {
    language.fail("partial_rotary_factor " + std::to_string(m.partial_rotary_factor) + " of head dim " +
                  std::to_string(m.head_dim) + " rotates " + std::to_string(m.rotary_dim) +
                  " dimensions; hopelab needs an even number of at least 2");
  }
  if (m.mrope_section) {
    std::int64_t sum = 0;
    for (int s : *m.mrope_section) sum += s;
    if (m.mrope_section->size() != 3 || sum != m.rotary_dim / 2) {
      std::string shown;
      for (int s : *m.mrope_section) shown += (shown.empty() ? "" : ", ") + std::to_string(s);
      language.fail("key '" + rope.section_path + "' = [" + shown + "] is not three entries summing to " +
                    std::to_string(m.rotary_dim / 2) + " (the rotated pairs)");
    }
  }
  return m;
}

ModelRotary read_model_rotary(const std::string& path) {
  const std::vector<std::uint8_t> bytes = read_file_bytes(path);
  return parse_model_rotary(std::string(bytes.begin(), bytes.end()), path);
}

}  // namespace hopelab
