// experiments/vlm/config_json.{h,cpp}: a written config.json reads back as the same VlmConfig
// and holds the keys transformers needs; the files transformers 4.45.2, 4.57.1 and 5.25.0 wrote
// (tests/ref/golden/configs, made by tests/ref/make_config_goldens.py) read as the model they
// describe; omitted keys take transformers' defaults; every mistyped or inconsistent key, and
// every setting the model does not implement, is refused with one line naming the key and its
// value. Bad configs are edits of a JSON typed out here.

#include <fstream>
#include <sstream>

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

// One edit of the tiny config (path "a" or "a/b" set to value) and what its error must name.
struct EditCase {
  const char* path;
  Json value;
  std::vector<std::string> needles;
};

// Each case applied alone to tiny_json() must be refused naming its needles.
void expect_each_refused(const std::vector<EditCase>& cases) {
  for (const EditCase& c : cases) {
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

std::string golden_config(const std::string& name) {
  const std::string path = std::string(HOPELAB_CONFIG_GOLDENS) + "/" + name;
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Qwen2-VL-2B-Instruct, typed out from its hub config.json.
VlmConfig qwen2vl_2b() {
  VlmConfig c;
  c.vocab_size = 151936;
  c.hidden_size = 1536;
  c.intermediate_size = 8960;
  c.num_hidden_layers = 28;
  c.num_attention_heads = 12;
  c.num_key_value_heads = 2;
  c.rms_norm_eps = 1e-6;
  c.rope_theta = 1e6;
  c.mrope_section = {16, 24, 24};
  c.tie_word_embeddings = true;
  c.bos_token_id = 151643;
  c.eos_token_id = 151645;
  c.vision_start_token_id = 151652;
  c.vision_end_token_id = 151653;
  c.image_token_id = 151655;
  c.video_token_id = 151656;
  c.vision.depth = 32;
  c.vision.embed_dim = 1280;
  c.vision.num_heads = 16;
  c.vision.mlp_ratio = 4;
  c.vision.hidden_size = 1536;
  return c;
}

TEST(ConfigJson, FilesTransformersWroteReadAsTheirModel) {
  for (const std::string version : {"4.45.2", "4.57.1", "5.25.0"}) {
    SCOPED_TRACE("transformers " + version);
    const std::string tiny = "qwen2_vl-tiny.transformers-" + version + ".json";
    expect_same(parse_config_json(golden_config(tiny), tiny), vlm_preset("tiny"));
    const std::string big = "qwen2_vl-2b.transformers-" + version + ".json";
    expect_same(parse_config_json(golden_config(big), big), qwen2vl_2b());
  }
  // What made 4.45.2's and 5.x's files fail before: the vision keys equal to their defaults are
  // absent from 4.45.2's, and 5.x's language settings exist only under text_config.
  const Json old = Json::parse(golden_config("qwen2_vl-2b.transformers-4.45.2.json"));
  EXPECT_FALSE(old["vision_config"].contains("embed_dim"));
  EXPECT_FALSE(old["vision_config"].contains("mlp_ratio"));
  const Json v5 = Json::parse(golden_config("qwen2_vl-2b.transformers-5.25.0.json"));
  EXPECT_FALSE(v5.contains("hidden_size"));
  EXPECT_TRUE(v5["text_config"]["rope_parameters"].contains("rope_theta"));
}

TEST(ConfigJson, OtherModelsAreRefusedNamingTheirType) {
  for (const std::string name : {"qwen2_5_vl-3b.transformers-5.25.0.json", "qwen3_vl-4b.transformers-4.57.1.json",
                                 "llama-7b.transformers-4.45.2.json"}) {
    try {
      parse_config_json(golden_config(name), name);
      FAIL() << "accepted " << name;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("model_type"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("--config"), std::string::npos) << e.what();
    }
  }
}

TEST(ConfigJson, OmittedKeysTakeTransformersDefaults) {
  // Vision keys whose defaults fit the tiny model: the value read is the default, not the file's.
  struct Default {
    const char* key;
    int expected;
    int VisionConfig::*member;
  };
  for (const Default& d : {Default{"mlp_ratio", 4, &VisionConfig::mlp_ratio}, Default{"depth", 32, &VisionConfig::depth},
                           Default{"patch_size", 14, &VisionConfig::patch_size},
                           Default{"spatial_merge_size", 2, &VisionConfig::spatial_merge_size},
                           Default{"temporal_patch_size", 2, &VisionConfig::temporal_patch_size},
                           Default{"embed_dim", 1280, &VisionConfig::embed_dim}}) {
    Json j = tiny_json();
    j["vision_config"].erase(d.key);
    EXPECT_EQ(parse_config_json(j.dump(), "tiny").vision.*d.member, d.expected) << d.key;
  }
  Json j = tiny_json();
  j["vision_config"].erase("in_chans");
  EXPECT_EQ(parse_config_json(j.dump(), "tiny").vision.in_chans, 3);
  j = tiny_json();
  j.erase("vision_config");  // every vision default: hidden_size 3584 then differs from 128
  expect_refused(j, {"'vision_config.hidden_size' = 3584", "128"});
  j = tiny_json();
  j.erase("rms_norm_eps");
  j.erase("tie_word_embeddings");
  j.erase("rope_theta");
  j["vocab_size"] = 160000;  // the Qwen2-VL ids (151643 ...) are in range
  for (const char* key : {"bos_token_id", "eos_token_id", "vision_start_token_id", "vision_end_token_id",
                          "image_token_id", "video_token_id"})
    j.erase(key);
  const VlmConfig c = parse_config_json(j.dump(), "tiny");
  EXPECT_EQ(c.rms_norm_eps, 1e-5);
  EXPECT_FALSE(c.tie_word_embeddings);
  EXPECT_EQ(c.rope_theta, 1e6);
  EXPECT_EQ(c.bos_token_id, 151643);
  EXPECT_EQ(c.eos_token_id, 151645);
  EXPECT_EQ(c.vision_start_token_id, 151652);
  EXPECT_EQ(c.vision_end_token_id, 151653);
  EXPECT_EQ(c.image_token_id, 151655);
  EXPECT_EQ(c.video_token_id, 151656);
  j = tiny_json();
  j.erase("bos_token_id");  // the default id is outside a 1024-entry vocabulary: refused, named
  expect_refused(j, {"'bos_token_id'", "151643"});
  j = tiny_json();
  j.erase("rope_scaling");  // 5.x's fallback [16, 24, 24] does not fit head_dim 32
  expect_refused(j, {"mrope_section", "[16, 24, 24]"});
  j = tiny_json();
  j["num_key_value_heads"] = nullptr;  // null: as many as the query heads
  EXPECT_EQ(parse_config_json(j.dump(), "tiny").num_key_value_heads, 4);
}

TEST(ConfigJson, ReadsTheTextConfigLayout) {
  Json j = tiny_json();
  Json text = Json::object();
  for (const char* key : {"vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
                          "num_key_value_heads", "rms_norm_eps", "bos_token_id", "eos_token_id"}) {
    text[key] = j[key];
    j.erase(key);
  }
  text["rope_parameters"] = {{"rope_type", "default"}, {"type", "mrope"}, {"rope_theta", 1e6},
                             {"mrope_section", {4, 6, 6}}};
  j.erase("rope_scaling");
  j.erase("rope_theta");
  j["text_config"] = text;
  expect_same(parse_config_json(j.dump(), "v5"), vlm_preset("tiny"));

  Json both = tiny_json();  // 4.57's layout: the same settings in both places
  both["text_config"] = text;
  both["text_config"]["rope_scaling"] = both["rope_scaling"];
  expect_same(parse_config_json(both.dump(), "v457"), vlm_preset("tiny"));
  both["text_config"]["hidden_size"] = 256;
  expect_refused(both, {"'text_config.hidden_size' = 256", "disagrees", "'hidden_size' = 128"});

  Json bad = j;
  bad["text_config"]["num_attention_heads"] = "4";
  expect_refused(bad, {"'text_config.num_attention_heads'", "\"4\""});
  bad = j;
  bad["text_config"]["rope_parameters"]["rope_theta"] = -3;
  expect_refused(bad, {"'text_config.rope_parameters.rope_theta'", "-3"});
  bad = j;
  bad["text_config"] = 7;
  expect_refused(bad, {"'text_config' is not an object"});
  bad = j;
  bad["text_config"]["tie_word_embeddings"] = true;  // 5.x ties when either place says so
  EXPECT_TRUE(parse_config_json(bad.dump(), "tied").tie_word_embeddings);
}

TEST(ConfigJson, RefusesWhatTheModelDoesNotImplement) {
  const std::vector<EditCase> cases = {
      {"model_type", "qwen2_5_vl", {"model_type", "qwen2_5_vl"}},
      {"hidden_act", "gelu", {"'hidden_act'", "gelu", "silu"}},
      {"vision_config/hidden_act", "gelu", {"'vision_config.hidden_act'", "quick_gelu"}},
      {"rope_scaling/rope_type", "yarn", {"'rope_scaling.rope_type'", "yarn"}},
      {"rope_scaling/type", "dynamic", {"'rope_scaling.type'", "dynamic"}},
      {"rope_scaling/mrope_interleaved", true, {"interleaved"}},
      {"partial_rotary_factor", 0.5, {"partial"}},
      {"head_dim", 64, {"'head_dim' = 64", "32"}},
      {"vision_config/in_channels", 4, {"'vision_config.in_channels' = 4", "'vision_config.in_chans' = 3"}},
      {"vision_config/spatial_patch_size", 16, {"'vision_config.patch_size' = 14", "spatial_patch_size"}},
  };
  expect_each_refused(cases);
  // A sliding window applies from layer max_window_layers (default 80) on: none of the tiny model's 2.
  Json j = tiny_json();
  j["use_sliding_window"] = true;
  EXPECT_NO_THROW(parse_config_json(j.dump(), "window"));
  j["max_window_layers"] = 1;
  expect_refused(j, {"'use_sliding_window'", "max_window_layers"});
}

TEST(ConfigJson, RefusesMistypedKeys) {
  Json j = tiny_json();
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
  const std::vector<EditCase> cases = {
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
  expect_each_refused(cases);
  Json j = tiny_json();
  j["vision_config"]["mlp_ratio"] = 4.0;  // an integral float is the integer
  EXPECT_EQ(parse_config_json(j.dump(), "ok").vision.mlp_ratio, 4);
}

}  // namespace
}  // namespace hopelab
