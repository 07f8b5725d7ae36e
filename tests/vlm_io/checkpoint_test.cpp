// experiments/vlm/checkpoint.{h,cpp}: save / load round trips of the tiny preset in every dtype,
// single-file and sharded, and refusals (missing, misshapen, unexpected or non-finite tensors,
// broken indexes) naming the tensor. Values are checked against the rounding bound of the
// stored format, not against the writer's own conversion.

#include <cmath>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <gtest/gtest.h>

#include "sim/vlm/parameters.h"
#include "sim/vlm/presets.h"
#include "sim/vlm/random_weights.h"
#include "theory/input_error.h"
#include "vlm/checkpoint.h"

#include "../worst_element.h"

namespace hopelab {
namespace {

namespace fs = std::filesystem;

// This process's scratch directory under the system temporary directory, removed at exit.
fs::path scratch_root() {
  struct Scratch {
    fs::path path = fs::temp_directory_path() / ("hopelab_checkpoint_test_" + std::to_string(::getpid()));
    ~Scratch() {
      std::error_code ignored;
      fs::remove_all(path, ignored);
    }
  };
  static const Scratch scratch;
  return scratch.path;
}

std::string fresh_directory(const std::string& name) {
  const fs::path dir = scratch_root() / name;
  fs::remove_all(dir);
  return dir.string();
}

void expect_load_refused(const std::string& dir, const std::vector<std::string>& needles) {
  try {
    load_checkpoint(dir);
    FAIL() << "loaded a bad checkpoint; expected an error naming " << needles[0];
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    for (const std::string& n : needles)
      EXPECT_NE(message.find(n), std::string::npos) << "'" << n << "' not in: " << message;
  }
}

// Half the spacing of the format at x: 2^-8 |x| (bf16), 2^-11 |x| + 2^-25 (f16), 0 (f32).
double rounding_bound(Dtype dtype, double x) {
  if (dtype == Dtype::f32) return 0.0;
  return dtype == Dtype::bf16 ? std::ldexp(std::fabs(x), -8) : std::ldexp(std::fabs(x), -11) + std::ldexp(1.0, -25);
}

void expect_close(const TensorMap& expected, const TensorMap& actual, Dtype dtype) {
  ASSERT_EQ(expected.size(), actual.size());
  for (const auto& [name, tensor] : expected) {
    const Tensor& back = actual.at(name);
    ASSERT_EQ(back.shape, tensor.shape) << name;
    const test::WorstElement worst = test::worst_element(
        tensor.data, back.data, [&](size_t i) { return rounding_bound(dtype, tensor.data[i]); });
    EXPECT_TRUE(worst.ok()) << name << " in " << dtype_name(dtype) << ": " << worst.message(9);
  }
}

TEST(Checkpoint, RoundTripsEveryDtypeSingleAndSharded) {
  const VlmConfig config = vlm_preset("tiny");
  const TensorMap weights = random_weights(config, 7);
  for (Dtype dtype : {Dtype::f32, Dtype::bf16, Dtype::f16}) {
    for (std::uint64_t shard_bytes : {std::uint64_t{0}, std::uint64_t{100'000}}) {
      SCOPED_TRACE(std::string(dtype_name(dtype)) + " shard bytes " + std::to_string(shard_bytes));
      const std::string dir = fresh_directory(std::string(dtype_name(dtype)) + std::to_string(shard_bytes));
      save_checkpoint(dir, config, weights, dtype, shard_bytes);
      const Checkpoint back = load_checkpoint(dir);
      EXPECT_EQ(back.stored_dtypes, dtype_name(dtype));
      EXPECT_EQ(back.shards > 1, shard_bytes > 0) << back.shards << " files";
      EXPECT_EQ(back.config.hidden_size, config.hidden_size);
      expect_close(weights, back.weights, dtype);
      for (const auto& entry : fs::directory_iterator(dir)) {
        EXPECT_EQ(entry.path().string().find(".tmp."), std::string::npos) << "temporary left: " << entry.path();
      }
    }
  }
}

TEST(Checkpoint, ResavingSwitchesLayoutWithoutAmbiguity) {
  const VlmConfig config = vlm_preset("tiny");
  const TensorMap weights = random_weights(config, 1);
  const std::string dir = fresh_directory("switch");
  save_checkpoint(dir, config, weights, Dtype::f32, 100'000);
  save_checkpoint(dir, config, weights, Dtype::bf16);
  EXPECT_FALSE(fs::exists(fs::path(dir) / "model.safetensors.index.json"));
  EXPECT_EQ(load_checkpoint(dir).stored_dtypes, "BF16");
}

TEST(Checkpoint, SaveRefusesWeightsThatDoNotFitTheConfig) {
  const VlmConfig config = vlm_preset("tiny");
  TensorMap weights = random_weights(config, 1);
  weights["model.norm.weight"].data[5] = NAN;
  EXPECT_THROW(save_checkpoint(fresh_directory("nan_save"), config, weights, Dtype::f32), InputError);
  weights = random_weights(config, 1);
  weights["visual.blocks.0.mlp.fc1.weight"].data[3] = 1e6f;
  try {
    save_checkpoint(fresh_directory("overflow"), config, weights, Dtype::f16);
    FAIL() << "1e6 stored as F16";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("'visual.blocks.0.mlp.fc1.weight'"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(fs::path(fresh_directory("overflow")) / "config.json")) << "half a checkpoint written";
}

// A valid tiny checkpoint whose model.safetensors is then replaced by `weights` written raw.
std::string checkpoint_with(const std::string& name, const TensorMap& weights) {
  const VlmConfig config = vlm_preset("tiny");
  const std::string dir = fresh_directory(name);
  save_checkpoint(dir, config, random_weights(config, 3), Dtype::f32);
  SafetensorsContents contents;
  contents.floats = weights;
  write_safetensors((fs::path(dir) / "model.safetensors").string(), contents, Dtype::f32);
  return dir;
}

TEST(Checkpoint, LoadRefusesBadTensorsNamingThem) {
  const VlmConfig config = vlm_preset("tiny");
  const TensorMap good = random_weights(config, 3);
  TensorMap w = good;
  w.erase("model.layers.1.mlp.up_proj.weight");
  expect_load_refused(checkpoint_with("missing", w),
                      {"missing tensor 'model.layers.1.mlp.up_proj.weight'", "(256, 128)"});
  w = good;
  w["model.norm.weight"] = {{127}, std::vector<float>(127, 1.0f)};
  expect_load_refused(checkpoint_with("shape", w), {"'model.norm.weight'", "(127)", "(128)"});
  w = good;
  w["model.layers.0.mlp.extra.weight"] = {{2}, {1.0f, 2.0f}};
  expect_load_refused(checkpoint_with("unexpected", w), {"unexpected tensor 'model.layers.0.mlp.extra.weight'"});
  w = good;
  w["visual.merger.mlp.0.bias"].data[17] = INFINITY;
  expect_load_refused(checkpoint_with("inf", w), {"'visual.merger.mlp.0.bias'", "index 17"});
  w = good;
  w["lm_head.weight"].data[1000] = NAN;
  expect_load_refused(checkpoint_with("nan", w), {"'lm_head.weight'", "index 1000"});
}

TEST(Checkpoint, LoadRefusesBadDirectoriesAndIndexes) {
  const VlmConfig config = vlm_preset("tiny");
  expect_load_refused(fresh_directory("absent"), {"does not exist"});
  const std::string dir = fresh_directory("no_config");
  save_checkpoint(dir, config, random_weights(config, 3), Dtype::f32);
  fs::remove(fs::path(dir) / "config.json");
  expect_load_refused(dir, {"config.json"});
  const std::string both = fresh_directory("both");
  save_checkpoint(both, config, random_weights(config, 3), Dtype::f32, 100'000);
  fs::copy_file(fs::path(dir) / "model.safetensors", fs::path(both) / "model.safetensors");
  expect_load_refused(both, {"both"});
  auto with_index = [&](const std::string& name, const std::string& index) {
    const std::string d = fresh_directory(name);
    save_checkpoint(d, config, random_weights(config, 3), Dtype::f32, 100'000);
    std::ofstream(fs::path(d) / "model.safetensors.index.json") << index;
    return d;
  };
  expect_load_refused(with_index("escape", R"({"weight_map": {"model.norm.weight": "../x.safetensors"}})"),
                      {"../x.safetensors", "'model.norm.weight'"});
  expect_load_refused(with_index("no_map", R"({"metadata": {}})"), {"weight_map"});
  expect_load_refused(with_index("absent_shard", R"({"weight_map": {"model.norm.weight": "nope.safetensors"}})"),
                      {"nope.safetensors"});
  // An index naming only one tensor of a real shard: the shard's other tensors are not mapped.
  const std::string partial = with_index("partial", "{}");
  std::string first_shard;
  for (const auto& entry : fs::directory_iterator(partial)) {
    if (entry.path().filename().string().rfind("model-00001-of-", 0) == 0)
      first_shard = entry.path().filename().string();
  }
  ASSERT_FALSE(first_shard.empty());
  std::ofstream(fs::path(partial) / "model.safetensors.index.json")
      << R"({"weight_map": {"visual.patch_embed.proj.weight": ")" << first_shard << "\"}}";
  expect_load_refused(partial, {first_shard, "not mapped"});
}

}  // namespace
}  // namespace hopelab
