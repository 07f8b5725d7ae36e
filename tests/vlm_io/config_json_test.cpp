// experiments/vlm/config_json.{h,cpp}: a written config.json reads back as the same VlmConfig
// and holds the keys transformers needs; every missing, mistyped or inconsistent key is refused
// with one line naming the key and its value. Bad configs are edits of a JSON typed out here.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sim/vlm/presets.h"
#include "theory/input_error.h"
#include "vlm/config_json.h"

namespace hopelab {
namespace {

using Json = nlohmann::json;

// The tiny preset as a Hugging Face config.json, typed out (not produced by config_json_text).
Json tiny_json() {
  return Json::parse(R"({
    "architectures": ["Qwen2VLForConditionalGeneration"], "model_type": "qwen2_vl", "unknown_key": [1, {"x": 2}],
    "vocab_size": 1024, "hidden_size": 128, "intermediate_size": 256, "num_hidden_layers": 2,
    "num_attention_heads": 4, "num_key_value_heads": 2, "rms_norm_eps": 1e-06, "rope_theta": 1000000.0,
    "rope_scaling": {"type": "mrope", "mrope_section": [4, 6, 6]}, "tie_word_embeddings": false,
    "bos_token_id": 1022, "eos_token_id": 1023, "vision_start_token_id": 1018, "vision_end_token_id": 1019,
    "image_token_id": 1020, "video_token_id": 1021,
    "vision_config": {"depth": 2, "embed_dim": 32, "num_heads": 2, "mlp_ratio": 4, "in_chans": 3, "hidden_size": 128,
                      "patch_size": 14, "spatial_merge_size": 2, "temporal_patch_size": 2, "hidden_act": "quick_gelu"}})");
}

void expect_refused(const Json& config, const std::vector<std::string>& needles) {
  try {
    parse_config_json(config.dump(), "bad/config.json");
    FAIL() << "accepted a bad config; expected an error naming " << needles[0];
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    EXPECT_NE(message.find("bad/config.json"), std::string::npos) << message;
    for (const std::string& n : needles)
      EXPECT_NE(message.find(n), std::string::npos) << "'" << n << "' not in: " << message;
  }
}

void expect_same(const VlmConfig& a, const VlmConfig& b) {
  EXPECT_EQ(a.vocab_size, b.vocab_size);
  EXPECT_EQ(a.hidden_size, b.hidden_size);
  EXPECT_EQ(a.intermediate_size, b.intermediate_size);
  EXPECT_EQ(a.num_hidden_layers, b.num_hidden_layers);
  EXPECT_EQ(a.num_attention_heads, b.num_attention_heads);
  EXPECT_EQ(a.num_key_value_heads, b.num_key_value_heads);
  EXPECT_EQ(a.rms_norm_eps, b.rms_norm_eps);  // written with 17 significant digits: exact
  EXPECT_EQ(a.rope_theta, b.rope_theta);
  EXPECT_EQ(a.mrope_section, b.mrope_section);
  EXPECT_EQ(a.tie_word_embeddings, b.tie_word_embeddings);
  EXPECT_EQ(a.bos_token_id, b.bos_token_id);
  EXPECT_EQ(a.eos_token_id, b.eos_token_id);
  EXPECT_EQ(a.vision_start_token_id, b.vision_start_token_id);
  EXPECT_EQ(a.vision_end_token_id, b.vision_end_token_id);
  EXPECT_EQ(a.image_token_id, b.image_token_id);
  EXPECT_EQ(a.video_token_id, b.video_token_id);
  EXPECT_EQ(a.vision.depth, b.vision.depth);
  EXPECT_EQ(a.vision.embed_dim, b.vision.embed_dim);
  EXPECT_EQ(a.vision.num_heads, b.vision.num_heads);
  EXPECT_EQ(a.vision.mlp_ratio, b.vision.mlp_ratio);
  EXPECT_EQ(a.vision.in_chans, b.vision.in_chans);
  EXPECT_EQ(a.vision.hidden_size, b.vision.hidden_size);
  EXPECT_EQ(a.vision.patch_size, b.vision.patch_size);
  EXPECT_EQ(a.vision.spatial_merge_size, b.vision.spatial_merge_size);
  EXPECT_EQ(a.vision.temporal_patch_size, b.vision.temporal_patch_size);
}

TEST(ConfigJson, TypedOutTinyConfigReadsAsThePreset) {
  expect_same(parse_config_json(tiny_json().dump(), "tiny"), vlm_preset("tiny"));
}

TEST(ConfigJson, WrittenConfigReadsBackAndCarriesTransformersKeys) {
  for (const std::string& name : vlm_preset_names()) {
    const VlmConfig preset = vlm_preset(name);
    const std::string text = config_json_text(preset, "bfloat16");
    expect_same(parse_config_json(text, name), preset);
    const Json j = Json::parse(text);
    EXPECT_EQ(j["architectures"], Json::array({"Qwen2VLForConditionalGeneration"}));
    EXPECT_EQ(j["model_type"], "qwen2_vl");
    EXPECT_EQ(j["torch_dtype"], "bfloat16");
    EXPECT_EQ(j["hidden_act"], "silu");
    EXPECT_EQ(j["vision_config"]["hidden_act"], "quick_gelu");
    EXPECT_EQ(j["rope_scaling"]["type"], "mrope");
    EXPECT_TRUE(j["max_position_embeddings"].is_number_integer());
  }
}

TEST(ConfigJson, RefusesMissingAndMistypedKeys) {
  for (const char* key :
       {"vocab_size", "hidden_size", "rope_scaling", "tie_word_embeddings", "video_token_id", "vision_config"}) {
    Json j = tiny_json();
    j.erase(key);
    expect_refused(j, {"missing", key});
  }
  Json j = tiny_json();
  j["vision_config"].erase("embed_dim");
  expect_refused(j, {"missing", "vision_config.embed_dim"});
  j = tiny_json();
  j["hidden_size"] = "128";
  expect_refused(j, {"'hidden_size'", "\"128\""});
  j = tiny_json();
  j["tie_word_embeddings"] = 0;
  expect_refused(j, {"'tie_word_embeddings'"});
  j = tiny_json();
  j["rope_scaling"]["mrope_section"] = "4,6,6";
  expect_refused(j, {"mrope_section"});
  j = tiny_json();
  j["rms_norm_eps"] = -1.0;
  expect_refused(j, {"'rms_norm_eps'", "-1"});
  expect_refused(Json::array({1}), {"not a JSON object"});
  try {
    parse_config_json("{\"vocab_size\": ", "bad/config.json");
    FAIL() << "accepted truncated JSON";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("invalid JSON"), std::string::npos) << e.what();
  }
}

TEST(ConfigJson, RefusesInconsistentValues) {
  struct Case {
    const char* path;  // "a" or "a/b"
    Json value;
    std::vector<std::string> needles;
  };
  const std::vector<Case> cases = {
      {"hidden_size", 130, {"'hidden_size' = 130", "num_attention_heads"}},
      {"num_key_value_heads", 3, {"'num_attention_heads' = 4", "num_key_value_heads = 3"}},
      {"rope_scaling/mrope_section", Json::array({4, 6, 5}), {"mrope_section", "[4, 6, 5]", "16"}},
      {"rope_scaling/mrope_section", Json::array({8, 8}), {"mrope_section", "[8, 8]"}},
      {"vision_config/embed_dim", 20, {"vision head dim", "= 10"}},
      {"vision_config/num_heads", 3, {"'vision_config.embed_dim' = 32", "num_heads = 3"}},
      {"vision_config/hidden_size", 64, {"'vision_config.hidden_size' = 64", "128"}},
      {"image_token_id", 1024, {"'image_token_id'", "1024"}},
      {"bos_token_id", -1, {"'bos_token_id'", "-1"}},
      {"vocab_size", 0, {"'vocab_size'", "0"}},
      {"num_hidden_layers", -2, {"'num_hidden_layers'", "-2"}},
      {"intermediate_size", 1.5, {"'intermediate_size'", "1.5"}},
      {"vision_config/mlp_ratio", 4.5, {"'vision_config.mlp_ratio'", "4.5"}},
      {"vision_config/patch_size", 0, {"'vision_config.patch_size'", "0"}},
      {"hidden_size", 1e30, {"'hidden_size'"}},
      {"vocab_size", 18446744073709551615ULL, {"'vocab_size'", "18446744073709551615"}},
  };
  for (const Case& c : cases) {
    Json j = tiny_json();
    const std::string path = c.path;
    const size_t slash = path.find('/');
    if (slash == std::string::npos)
      j[path] = c.value;
    else
      j[path.substr(0, slash)][path.substr(slash + 1)] = c.value;
    SCOPED_TRACE(path + " = " + c.value.dump());
    expect_refused(j, c.needles);
  }
  Json j = tiny_json();
  j["vision_config"]["mlp_ratio"] = 4.0;  // an integral float is the integer
  EXPECT_EQ(parse_config_json(j.dump(), "ok").vision.mlp_ratio, 4);
}

}  // namespace
}  // namespace hopelab
