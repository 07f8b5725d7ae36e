// experiments/vlm/rotary_config.{h,cpp}: the rotary settings `--config` reads from the config.json
// files transformers 4.45.2, 4.57.1 and 5.25.0 wrote (tests/ref/golden/configs, made by
// tests/ref/make_config_goldens.py) for Qwen2-VL, Qwen2.5-VL, Qwen3-VL, Qwen3.5, Llama and a partial
// rotary (StableLM), against values typed out from the models' hub configs; refusals name the key.

#include <cmath>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "theory/input_error.h"
#include "vlm/rotary_config.h"

namespace hopelab {
namespace {

using Json = nlohmann::json;

std::string golden_config(const std::string& name) {
  const std::string path = std::string(HOPELAB_CONFIG_GOLDENS) + "/" + name;
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct Expected {
  const char* model;
  std::vector<const char*> versions;
  std::int64_t head_dim;
  double theta;
  std::vector<int> section;  // empty: none
  bool interleaved;
  double partial;
  std::int64_t rotary_dim;
};

TEST(RotaryConfig, ReadsEveryCommittedFile) {
  const std::vector<Expected> cases = {
      {"qwen2_vl-tiny", {"4.45.2", "4.57.1", "5.25.0"}, 32, 1e6, {4, 6, 6}, false, 1.0, 32},
      {"qwen2_vl-2b", {"4.45.2", "4.57.1", "5.25.0"}, 128, 1e6, {16, 24, 24}, false, 1.0, 128},
      {"qwen2_5_vl-3b", {"4.57.1", "5.25.0"}, 128, 1e6, {16, 24, 24}, false, 1.0, 128},
      {"qwen3_vl-4b", {"4.57.1", "5.25.0"}, 128, 5e6, {24, 20, 20}, true, 1.0, 128},
      // Qwen3.5: 64 of 256 dimensions rotate; the sections count the 32 rotating pairs.
      {"qwen3_5", {"5.25.0"}, 256, 1e7, {11, 11, 10}, true, 0.25, 64},
      {"llama-7b", {"4.45.2", "4.57.1", "5.25.0"}, 128, 1e4, {}, false, 1.0, 128},
      {"stablelm-3b", {"4.45.2", "4.57.1", "5.25.0"}, 80, 1e4, {}, false, 0.25, 20},
  };
  for (const Expected& e : cases) {
    for (const char* version : e.versions) {
      const std::string name = std::string(e.model) + ".transformers-" + version + ".json";
      SCOPED_TRACE(name);
      const ModelRotary m = parse_model_rotary(golden_config(name), name);
      EXPECT_EQ(m.head_dim, e.head_dim);
      EXPECT_EQ(m.rope_theta, e.theta);
      EXPECT_EQ(m.mrope_section.has_value(), !e.section.empty());
      if (m.mrope_section) {
        EXPECT_EQ(*m.mrope_section, e.section);
      }
      EXPECT_EQ(m.mrope_interleaved, e.interleaved);
      EXPECT_EQ(m.partial_rotary_factor, e.partial);
      EXPECT_EQ(m.rotary_dim, e.rotary_dim);
    }
  }
}

void expect_refused(const Json& config, const std::vector<std::string>& needles) {
  try {
    parse_model_rotary(config.dump(), "bad/config.json");
    FAIL() << "accepted " << config.dump() << "; expected an error naming " << needles[0];
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    EXPECT_NE(message.find("bad/config.json"), std::string::npos) << message;
    for (const std::string& n : needles)
      EXPECT_NE(message.find(n), std::string::npos) << "'" << n << "' not in: " << message;
  }
}

TEST(RotaryConfig, DefaultsFollowTheModelTypeAndVersion) {
  // rope_theta left out: transformers' default of each model type (Qwen3-VL's changed in 5.0).
  Json j = {{"model_type", "qwen3_vl"},
            {"transformers_version", "4.57.1"},
            {"text_config", {{"hidden_size", 2560}, {"num_attention_heads", 32}, {"head_dim", 128}}}};
  EXPECT_EQ(parse_model_rotary(j.dump(), "q3").rope_theta, 5e6);
  j["transformers_version"] = "5.25.0";
  EXPECT_EQ(parse_model_rotary(j.dump(), "q3").rope_theta, 5e5);
  const Json llama = {{"model_type", "llama"}, {"hidden_size", 4096}, {"num_attention_heads", 32}};
  EXPECT_EQ(parse_model_rotary(llama.dump(), "llama").rope_theta, 1e4);
  EXPECT_EQ(parse_model_rotary(llama.dump(), "llama").head_dim, 128);
  const Json qwen = {{"model_type", "qwen2_5_vl"}, {"hidden_size", 2048}, {"num_attention_heads", 16}};
  EXPECT_EQ(parse_model_rotary(qwen.dump(), "qwen").rope_theta, 1e6);
  // An unknown model type must state it.
  expect_refused({{"model_type", "mystery"}, {"hidden_size", 64}, {"num_attention_heads", 2}},
                 {"rope_theta", "mystery"});
  Json stated = {{"model_type", "mystery"}, {"hidden_size", 64}, {"num_attention_heads", 2},
                 {"rope_parameters", {{"rope_theta", 500.0}}}};
  EXPECT_EQ(parse_model_rotary(stated.dump(), "m").rope_theta, 500.0);
}

TEST(RotaryConfig, RefusesWhatItCannotDescribe) {
  const Json llama = {{"model_type", "llama"}, {"hidden_size", 4096}, {"num_attention_heads", 32},
                      {"rope_theta", 500000.0}};
  Json j = llama;
  j["rope_scaling"] = {{"rope_type", "llama3"}, {"factor", 8.0}};
  expect_refused(j, {"'rope_scaling.rope_type'", "llama3"});
  j = llama;
  j["rope_scaling"] = {{"type", "yarn"}};
  expect_refused(j, {"'rope_scaling.type'", "yarn"});
  j = llama;
  j["num_attention_heads"] = 33;
  expect_refused(j, {"'hidden_size' = 4096", "33"});
  j = llama;
  j["head_dim"] = 31;
  expect_refused(j, {"head dim 31", "odd"});
  j = llama;
  j["partial_rotary_factor"] = 0.001;
  expect_refused(j, {"partial_rotary_factor", "0 dimensions"});
  j = llama;
  j["partial_rotary_factor"] = 1.5;
  expect_refused(j, {"partial_rotary_factor", "above 1"});
  j = llama;
  j["rope_theta"] = "1e6";
  expect_refused(j, {"'rope_theta'", "\"1e6\""});
  j = llama;
  j["rope_parameters"] = {{"rope_theta", 10000.0}};  // two values of one setting
  expect_refused(j, {"'rope_parameters.rope_theta'", "disagrees", "'rope_theta'"});
  j = llama;
  j["rope_scaling"] = {{"mrope_section", {16, 24, 25}}};
  expect_refused(j, {"'rope_scaling.mrope_section' = [16, 24, 25]", "64"});
  j = llama;
  j["rope_scaling"] = {{"mrope_section", {16, -24, 24}}};
  expect_refused(j, {"'rope_scaling.mrope_section'", "-24"});
  const Json qwen2 = {{"model_type", "qwen2_vl"}, {"hidden_size", 1536}, {"num_attention_heads", 12},
                      {"head_dim", 64}};
  expect_refused(qwen2, {"'head_dim' = 64", "128"});  // Qwen2-VL's attention uses hidden / heads
  expect_refused(Json::array({1, 2}), {"not a JSON object"});
}

}  // namespace
}  // namespace hopelab
