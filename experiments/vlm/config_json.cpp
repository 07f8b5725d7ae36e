#include "vlm/config_json.h"

#include <cmath>
#include <cstdint>
#include <limits>

#include <nlohmann/json.hpp>

#include "theory/escape_text.h"
#include "theory/input_error.h"
#include "vlm/file_bytes.h"
#include "vlm/hf_config.h"

namespace hopelab {
namespace {

using Json = nlohmann::json;
using hf_config::Keys;

constexpr std::int64_t kMaxWidth = kVlmMaxWidth;  // the limits of sim/vlm/vlm_config.h
constexpr std::int64_t kMaxVocab = kVlmMaxVocab;
constexpr std::int64_t kMaxLayers = kVlmMaxLayers;
constexpr std::int64_t kMaxPatchSide = kVlmMaxPatchSide;
constexpr std::int64_t kMaxSmall = kVlmMaxSmall;
constexpr int kMaxPositionEmbeddings = 32768;  // written for transformers; hopelab does not use it

// transformers' defaults for keys a file leaves out (Qwen2VLConfig, Qwen2VLTextConfig and
// Qwen2VLVisionConfig; the same in 4.45.2, 4.57 and 5.x except bos and eos, which 4.x leaves
// unset and 5.x sets to 151643 and 151645, taken here).
struct Qwen2VlDefaults {
  static constexpr std::int64_t vocab_size = 152064, hidden_size = 8192, intermediate_size = 29568,
                                num_hidden_layers = 80, num_attention_heads = 64, num_key_value_heads = 8;
  static constexpr double rms_norm_eps = 1e-5, rope_theta = 1e6;
  static constexpr std::int64_t bos_token_id = 151643, eos_token_id = 151645, vision_start_token_id = 151652,
                                vision_end_token_id = 151653, image_token_id = 151655, video_token_id = 151656;
  static constexpr std::int64_t depth = 32, embed_dim = 1280, num_heads = 16, mlp_ratio = 4, in_channels = 3,
                                vision_hidden_size = 3584, patch_size = 14, spatial_merge_size = 2,
                                temporal_patch_size = 2;
  static constexpr double vision_rope_theta = 10000.0;
};
using D = Qwen2VlDefaults;

// A setting stored under two names (`name`, the one transformers reads, and `alias`): one value,
// or both equal. Returns the value, or `fallback` when neither is present.
std::int64_t aliased(const Keys& keys, const char* name, const char* alias, std::int64_t high, std::int64_t fallback) {
  if (keys.has(name) && keys.has(alias) && keys.integer(name, 1, high) != keys.integer(alias, 1, high)) {
    keys.fail("key '" + keys.path(name) + "' = " + std::to_string(keys.integer(name, 1, high)) + " disagrees with '" +
              keys.path(alias) + "' = " + std::to_string(keys.integer(alias, 1, high)));
  }
  return keys.has(name) ? keys.integer(name, 1, high) : keys.integer(alias, 1, high, fallback);
}

// An activation the architecture fixes: absent, or exactly `expected`.
void require_text(const Keys& keys, const char* key, const std::string& expected) {
  const std::string value = keys.text(key, expected);
  if (value != expected) {
    keys.fail("key '" + keys.path(key) + "' = " + Json(value).dump(-1, ' ', true, Json::error_handler_t::replace) +
              "; hopelab's Qwen2-VL model has " + expected);
  }
}

VisionConfig read_vision(const Keys& keys) {
  VisionConfig v;
  v.depth = static_cast<int>(keys.integer("depth", 1, kMaxLayers, D::depth));
  v.embed_dim = static_cast<int>(keys.integer("embed_dim", 1, kMaxWidth, D::embed_dim));
  v.num_heads = static_cast<int>(keys.integer("num_heads", 1, kMaxWidth, D::num_heads));
  v.mlp_ratio = static_cast<int>(keys.integer("mlp_ratio", 1, kMaxSmall, D::mlp_ratio));
  // transformers reads in_channels and patch_size; hub files also carry in_chans, spatial_patch_size.
  v.in_chans = static_cast<int>(aliased(keys, "in_channels", "in_chans", kMaxSmall, D::in_channels));
  v.hidden_size = static_cast<int>(keys.integer("hidden_size", 1, kMaxWidth, D::vision_hidden_size));
  v.patch_size = static_cast<int>(aliased(keys, "patch_size", "spatial_patch_size", kMaxPatchSide, D::patch_size));
  v.spatial_merge_size = static_cast<int>(keys.integer("spatial_merge_size", 1, kMaxSmall, D::spatial_merge_size));
  v.temporal_patch_size = static_cast<int>(keys.integer("temporal_patch_size", 1, kMaxSmall, D::temporal_patch_size));
  require_text(keys, "hidden_act", "quick_gelu");
  v.rope_theta = D::vision_rope_theta;  // 5.x writes it as rope_parameters.rope_theta
  if (const auto rope = keys.object("rope_parameters")) v.rope_theta = rope->number("rope_theta", D::vision_rope_theta);
  if (!(v.rope_theta > 1.0)) keys.fail("vision rope_theta = " + std::to_string(v.rope_theta) + " is not above 1");
  return v;
}

}  // namespace

VlmConfig parse_config_json(const std::string& text, const std::string& source) {
  const Json root = hf_config::parse_object(text, source);
  const Keys top(root, "", source);
  const std::string model_type = top.text("model_type", "qwen2_vl");
  if (model_type != "qwen2_vl") {
    top.fail("model_type \"" + escape_control(model_type) +
             "\" is not qwen2_vl: hopelab's model is Qwen2-VL's architecture (for another model's rotary "
             "settings give its config.json to --config)");
  }
  const Keys language = hf_config::language_keys(root, source);
  VlmConfig c;
  c.vocab_size = static_cast<int>(language.integer("vocab_size", 1, kMaxVocab, D::vocab_size));
  c.hidden_size = static_cast<int>(language.integer("hidden_size", 1, kMaxWidth, D::hidden_size));
  c.intermediate_size = static_cast<int>(language.integer("intermediate_size", 1, kMaxWidth, D::intermediate_size));
  c.num_hidden_layers = static_cast<int>(language.integer("num_hidden_layers", 1, kMaxLayers, D::num_hidden_layers));
  c.num_attention_heads =
      static_cast<int>(language.integer("num_attention_heads", 1, kMaxWidth, D::num_attention_heads));
  // transformers: an absent key is 8; null means "as many as the query heads".
  const Json* text_config =
      root.contains("text_config") && root["text_config"].is_object() ? &root["text_config"] : nullptr;
  const auto written_null = [&](const char* key) {
    for (const Json* o : {&root, text_config}) {
      if (o != nullptr && o->contains(key) && (*o)[key].is_null()) return true;
    }
    return false;
  };
  c.num_key_value_heads =
      !language.has("num_key_value_heads") && written_null("num_key_value_heads")
          ? c.num_attention_heads
          : static_cast<int>(language.integer("num_key_value_heads", 1, kMaxWidth, D::num_key_value_heads));
  if (language.has("head_dim") && c.num_attention_heads > 0 &&
      language.integer("head_dim", 1, kMaxWidth) != c.hidden_size / c.num_attention_heads) {
    language.fail("key '" + language.path("head_dim") + "' = " +
                  std::to_string(language.integer("head_dim", 1, kMaxWidth)) +
                  " differs from hidden_size / num_attention_heads = " +
                  std::to_string(c.hidden_size / c.num_attention_heads) + ", which Qwen2-VL's attention uses");
  }
  c.rms_norm_eps = language.number("rms_norm_eps", D::rms_norm_eps);
  require_text(language, "hidden_act", "silu");
  if (language.boolean("use_sliding_window", false) &&
      language.integer("max_window_layers", 0, kMaxLayers, 80) < c.num_hidden_layers) {
    language.fail("key '" + language.path("use_sliding_window") +
                  "' is true: layers from max_window_layers on attend to a window; hopelab's model attends to every "
                  "key");
  }
  const hf_config::RopeSettings rope = hf_config::read_rope(language, D::rope_theta);
  c.rope_theta = rope.theta;
  // transformers 5.x's Qwen2-VL rotary falls back to [16, 24, 24] without a section.
  c.mrope_section = rope.section.value_or(std::vector<int>{16, 24, 24});
  if (rope.interleaved || rope.partial_rotary_factor != 1.0) {
    language.fail("the rotary is " + std::string(rope.interleaved ? "interleaved (mrope_interleaved)" : "partial") +
                  "; hopelab's Qwen2-VL model rotates every pair in chunked sections");
  }
  // 5.x ties when either the top level or text_config says so (its reading of 4.x files).
  c.tie_word_embeddings = top.boolean("tie_word_embeddings", false);
  if (text_config != nullptr) {
    const Keys nested(*text_config, "text_config.", source);
    c.tie_word_embeddings = c.tie_word_embeddings || nested.boolean("tie_word_embeddings", false);
  }
  const std::int64_t last_id = c.vocab_size - 1;
  c.bos_token_id = language.integer("bos_token_id", 0, last_id, D::bos_token_id);
  c.eos_token_id = language.integer("eos_token_id", 0, last_id, D::eos_token_id);
  c.vision_start_token_id = top.integer("vision_start_token_id", 0, last_id, D::vision_start_token_id);
  c.vision_end_token_id = top.integer("vision_end_token_id", 0, last_id, D::vision_end_token_id);
  c.image_token_id = top.integer("image_token_id", 0, last_id, D::image_token_id);
  c.video_token_id = top.integer("video_token_id", 0, last_id, D::video_token_id);
  const std::optional<Keys> vision = top.object("vision_config");
  static const Json kEmpty = Json::object();  // no vision_config: every vision default
  c.vision = read_vision(vision ? *vision : Keys(kEmpty, "vision_config.", source));
  validate_vlm_config(c, source);
  return c;
}

VlmConfig read_config_json(const std::string& path) {
  const std::vector<std::uint8_t> bytes = read_file_bytes(path);
  return parse_config_json(std::string(bytes.begin(), bytes.end()), path);
}

std::string config_json_text(const VlmConfig& c, const std::string& torch_dtype) {
  const VisionConfig& v = c.vision;
  nlohmann::ordered_json vision = {{"depth", v.depth},
                                   {"embed_dim", v.embed_dim},
                                   {"hidden_size", v.hidden_size},
                                   {"hidden_act", "quick_gelu"},
                                   {"mlp_ratio", v.mlp_ratio},
                                   {"num_heads", v.num_heads},
                                   {"in_chans", v.in_chans},
                                   {"in_channels", v.in_chans},
                                   {"patch_size", v.patch_size},
                                   {"spatial_patch_size", v.patch_size},
                                   {"spatial_merge_size", v.spatial_merge_size},
                                   {"temporal_patch_size", v.temporal_patch_size}};
  nlohmann::ordered_json root = {{"architectures", {"Qwen2VLForConditionalGeneration"}},
                                 {"model_type", "qwen2_vl"},
                                 {"torch_dtype", torch_dtype},
                                 {"vocab_size", c.vocab_size},
                                 {"hidden_size", c.hidden_size},
                                 {"intermediate_size", c.intermediate_size},
                                 {"num_hidden_layers", c.num_hidden_layers},
                                 {"num_attention_heads", c.num_attention_heads},
                                 {"num_key_value_heads", c.num_key_value_heads},
                                 {"hidden_act", "silu"},
                                 {"max_position_embeddings", kMaxPositionEmbeddings},
                                 {"rms_norm_eps", c.rms_norm_eps},
                                 {"rope_theta", c.rope_theta},
                                 {"rope_scaling", {{"type", "mrope"}, {"mrope_section", c.mrope_section}}},
                                 {"tie_word_embeddings", c.tie_word_embeddings},
                                 {"use_sliding_window", false},
                                 {"attention_dropout", 0.0},
                                 {"initializer_range", 0.02},
                                 {"bos_token_id", c.bos_token_id},
                                 {"eos_token_id", c.eos_token_id},
                                 {"vision_start_token_id", c.vision_start_token_id},
                                 {"vision_end_token_id", c.vision_end_token_id},
                                 {"image_token_id", c.image_token_id},
                                 {"video_token_id", c.video_token_id},
                                 {"vision_config", vision}};
  return root.dump(2) + "\n";
}

}  // namespace hopelab
