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
constexpr std::int64_t kMaxWidth = kVlmMaxWidth;  // the limits of sim/vlm/vlm_config.h
constexpr std::int64_t kMaxVocab = kVlmMaxVocab;
constexpr std::int64_t kMaxLayers = kVlmMaxLayers;
constexpr std::int64_t kMaxPatchSide = kVlmMaxPatchSide;
constexpr std::int64_t kMaxSmall = kVlmMaxSmall;
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

}  // namespace

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
