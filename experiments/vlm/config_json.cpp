#include "vlm/config_json.h"

#include <cmath>
#include <cstdint>
#include <limits>

#include <nlohmann/json.hpp>

#include "theory/input_error.h"
#include "vlm/file_bytes.h"

namespace hopelab {
namespace {

using Json = nlohmann::json;

constexpr int kMaxJsonDepth = 16;
constexpr std::int64_t kMaxWidth = 1 << 20;  // hidden, intermediate, embed sizes and heads
constexpr std::int64_t kMaxVocab = 1 << 24;
constexpr std::int64_t kMaxLayers = 4096;
constexpr std::int64_t kMaxPatchSide = 1024;
constexpr std::int64_t kMaxSmall = 16;         // channels, merge side, temporal patch, mlp_ratio
constexpr int kMaxPositionEmbeddings = 32768;  // written for transformers; hopelab does not use it

[[noreturn]] void fail(const std::string& source, const std::string& what) { throw InputError(source + ": " + what); }

// Typed reads of one key of an object; `path` is the key as the error names it.
class Keys {
 public:
  Keys(const Json& object, std::string prefix, std::string source)
      : object_(object), prefix_(std::move(prefix)), source_(std::move(source)) {}

  const Json& at(const std::string& key) const {
    const auto it = object_.find(key);
    if (it == object_.end()) fail(source_, "missing key '" + prefix_ + key + "'");
    return *it;
  }
  bool has(const std::string& key) const { return object_.contains(key); }

  std::int64_t integer(const std::string& key, std::int64_t low, std::int64_t high) const {
    const Json& v = at(key);
    std::int64_t value = 0;
    if (v.is_number_integer()) {
      if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(high))
        out_of_range(key, v, low, high);
      value = v.get<std::int64_t>();
    } else if (v.is_number_float() && std::isfinite(v.get<double>()) &&
               v.get<double>() == std::floor(v.get<double>()) && std::fabs(v.get<double>()) < 9.0e15) {
      value = static_cast<std::int64_t>(v.get<double>());  // 4.0 is the integer 4
    } else {
      fail(source_, "key '" + prefix_ + key + "' is not an integer (" + v.dump() + ")");
    }
    if (value < low || value > high) out_of_range(key, v, low, high);
    return value;
  }
  int size(const std::string& key, std::int64_t high) const { return static_cast<int>(integer(key, 1, high)); }

  double number(const std::string& key) const {
    const Json& v = at(key);
    if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() <= 0.0) {
      fail(source_, "key '" + prefix_ + key + "' is not a positive finite number (" + v.dump() + ")");
    }
    return v.get<double>();
  }
  bool boolean(const std::string& key) const {
    const Json& v = at(key);
    if (!v.is_boolean()) fail(source_, "key '" + prefix_ + key + "' is not true or false (" + v.dump() + ")");
    return v.get<bool>();
  }
  Keys object(const std::string& key) const {
    const Json& v = at(key);
    if (!v.is_object()) fail(source_, "key '" + prefix_ + key + "' is not an object");
    return Keys(v, prefix_ + key + ".", source_);
  }

 private:
  [[noreturn]] void out_of_range(const std::string& key, const Json& v, std::int64_t low, std::int64_t high) const {
    fail(source_, "key '" + prefix_ + key + "' = " + v.dump() + " is outside [" + std::to_string(low) + ", " +
                      std::to_string(high) + "]");
  }
  const Json& object_;
  std::string prefix_, source_;
};

VisionConfig read_vision(const Keys& keys) {
  VisionConfig v;
  v.depth = keys.size("depth", kMaxLayers);
  v.embed_dim = keys.size("embed_dim", kMaxWidth);
  v.num_heads = keys.size("num_heads", kMaxWidth);
  v.mlp_ratio = keys.size("mlp_ratio", kMaxSmall);
  v.in_chans = keys.has("in_chans") || !keys.has("in_channels") ? keys.size("in_chans", kMaxSmall)
                                                                : keys.size("in_channels", kMaxSmall);
  v.hidden_size = keys.size("hidden_size", kMaxWidth);
  v.patch_size = keys.size("patch_size", kMaxPatchSide);
  v.spatial_merge_size = keys.size("spatial_merge_size", kMaxSmall);
  v.temporal_patch_size = keys.size("temporal_patch_size", kMaxSmall);
  return v;
}

std::string value_text(std::int64_t value) { return std::to_string(value); }

}  // namespace

void validate_config(const VlmConfig& c, const std::string& source) {
  auto positive = [&](const char* key, std::int64_t value, std::int64_t high) {
    if (value < 1 || value > high) {
      fail(source,
           std::string("key '") + key + "' = " + value_text(value) + " is outside [1, " + value_text(high) + "]");
    }
  };
  positive("vocab_size", c.vocab_size, kMaxVocab);
  positive("hidden_size", c.hidden_size, kMaxWidth);
  positive("intermediate_size", c.intermediate_size, kMaxWidth);
  positive("num_hidden_layers", c.num_hidden_layers, kMaxLayers);
  positive("num_attention_heads", c.num_attention_heads, kMaxWidth);
  positive("num_key_value_heads", c.num_key_value_heads, kMaxWidth);
  positive("vision_config.depth", c.vision.depth, kMaxLayers);
  positive("vision_config.embed_dim", c.vision.embed_dim, kMaxWidth);
  positive("vision_config.num_heads", c.vision.num_heads, kMaxWidth);
  positive("vision_config.mlp_ratio", c.vision.mlp_ratio, kMaxSmall);
  positive("vision_config.in_chans", c.vision.in_chans, kMaxSmall);
  positive("vision_config.hidden_size", c.vision.hidden_size, kMaxWidth);
  positive("vision_config.patch_size", c.vision.patch_size, kMaxPatchSide);
  positive("vision_config.spatial_merge_size", c.vision.spatial_merge_size, kMaxSmall);
  positive("vision_config.temporal_patch_size", c.vision.temporal_patch_size, kMaxSmall);
  if (!(c.rms_norm_eps > 0.0) || !std::isfinite(c.rms_norm_eps))
    fail(source, "key 'rms_norm_eps' = " + std::to_string(c.rms_norm_eps) + " is not positive");
  if (!(c.rope_theta > 1.0) || !std::isfinite(c.rope_theta))
    fail(source, "key 'rope_theta' = " + std::to_string(c.rope_theta) + " is not above 1");
  if (c.hidden_size % c.num_attention_heads != 0) {
    fail(source, "key 'hidden_size' = " + value_text(c.hidden_size) +
                     " is not divisible by num_attention_heads = " + value_text(c.num_attention_heads));
  }
  if (c.num_attention_heads % c.num_key_value_heads != 0) {
    fail(source, "key 'num_attention_heads' = " + value_text(c.num_attention_heads) +
                     " is not divisible by num_key_value_heads = " + value_text(c.num_key_value_heads));
  }
  if (c.head_dim() % 2 != 0)
    fail(source, "head dim hidden_size / num_attention_heads = " + value_text(c.head_dim()) + " is odd");
  std::int64_t section_sum = 0;
  bool section_ok = c.mrope_section.size() == 3;
  for (int s : c.mrope_section) {
    section_ok = section_ok && s >= 0;
    section_sum += s;
  }
  if (!section_ok || section_sum != c.head_dim() / 2) {
    std::string text = "[";
    for (size_t i = 0; i < c.mrope_section.size(); ++i) text += (i ? ", " : "") + value_text(c.mrope_section[i]);
    fail(source, "key 'rope_scaling.mrope_section' = " + text +
                     "] is not three non-negative entries summing to head_dim / 2 = " + value_text(c.head_dim() / 2));
  }
  if (c.vision.embed_dim % c.vision.num_heads != 0) {
    fail(source, "key 'vision_config.embed_dim' = " + value_text(c.vision.embed_dim) +
                     " is not divisible by vision_config.num_heads = " + value_text(c.vision.num_heads));
  }
  if (c.vision.head_dim() % 4 != 0) {
    fail(source,
         "vision head dim embed_dim / num_heads = " + value_text(c.vision.head_dim()) + " is not a multiple of 4");
  }
  if (c.vision.hidden_size != c.hidden_size) {
    fail(source, "key 'vision_config.hidden_size' = " + value_text(c.vision.hidden_size) +
                     " differs from hidden_size = " + value_text(c.hidden_size));
  }
  const std::pair<const char*, std::int64_t> ids[] = {{"bos_token_id", c.bos_token_id},
                                                      {"eos_token_id", c.eos_token_id},
                                                      {"vision_start_token_id", c.vision_start_token_id},
                                                      {"vision_end_token_id", c.vision_end_token_id},
                                                      {"image_token_id", c.image_token_id},
                                                      {"video_token_id", c.video_token_id}};
  for (const auto& [key, id] : ids) {
    if (id < 0 || id >= c.vocab_size) {
      fail(source, std::string("key '") + key + "' = " + value_text(id) +
                       " is outside [0, vocab_size = " + value_text(c.vocab_size) + ")");
    }
  }
  if (c.image_token_id == c.video_token_id)
    fail(source, "key 'video_token_id' = " + value_text(c.video_token_id) + " equals image_token_id");
}

VlmConfig parse_config_json(const std::string& text, const std::string& source) {
  bool too_deep = false;
  auto guard = [&](int depth, Json::parse_event_t event, Json&) {
    if ((event == Json::parse_event_t::object_start || event == Json::parse_event_t::array_start) &&
        depth >= kMaxJsonDepth) {
      too_deep = true;
      return false;
    }
    return true;
  };
  Json root;
  try {
    root = Json::parse(text, guard);
  } catch (const Json::exception& e) {
    fail(source, std::string("invalid JSON: ") + e.what());
  }
  if (too_deep) fail(source, "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  if (!root.is_object()) fail(source, "not a JSON object");
  const Keys keys(root, "", source);
  VlmConfig c;
  const std::int64_t int_max = std::numeric_limits<int>::max();
  c.vocab_size = static_cast<int>(keys.integer("vocab_size", 1, kMaxVocab));
  c.hidden_size = keys.size("hidden_size", kMaxWidth);
  c.intermediate_size = keys.size("intermediate_size", kMaxWidth);
  c.num_hidden_layers = keys.size("num_hidden_layers", kMaxLayers);
  c.num_attention_heads = keys.size("num_attention_heads", kMaxWidth);
  c.num_key_value_heads = keys.size("num_key_value_heads", kMaxWidth);
  c.rms_norm_eps = keys.number("rms_norm_eps");
  c.rope_theta = keys.number("rope_theta");
  const Json& section = keys.object("rope_scaling").at("mrope_section");
  if (!section.is_array()) fail(source, "key 'rope_scaling.mrope_section' is not an array (" + section.dump() + ")");
  for (const Json& s : section) {
    if (!s.is_number_integer() || s.get<std::int64_t>() < 0 || s.get<std::int64_t>() > int_max) {
      fail(source, "key 'rope_scaling.mrope_section' has a bad entry " + s.dump());
    }
    c.mrope_section.push_back(static_cast<int>(s.get<std::int64_t>()));
  }
  c.tie_word_embeddings = keys.boolean("tie_word_embeddings");
  c.bos_token_id = keys.integer("bos_token_id", 0, c.vocab_size - 1);
  c.eos_token_id = keys.integer("eos_token_id", 0, c.vocab_size - 1);
  c.vision_start_token_id = keys.integer("vision_start_token_id", 0, c.vocab_size - 1);
  c.vision_end_token_id = keys.integer("vision_end_token_id", 0, c.vocab_size - 1);
  c.image_token_id = keys.integer("image_token_id", 0, c.vocab_size - 1);
  c.video_token_id = keys.integer("video_token_id", 0, c.vocab_size - 1);
  c.vision = read_vision(keys.object("vision_config"));
  validate_config(c, source);
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
