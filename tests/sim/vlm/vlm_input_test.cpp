// Bad input of every class throws InputError whose message names the bad value: token ids,
// visual runs against grids, grid sizes, pixel rows and widths, non-finite pixels, weights
// (missing, misshapen, extra, non-finite), config, method, decode and probe misuse. A failed
// prefill leaves the cache as it was.

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>

#include "sim/vlm/vlm_model.h"
#include "theory/input_error.h"
#include "vlm_fixture.h"

namespace hopelab {
namespace {

// Runs f; it must throw InputError with `needle` in its message.
void expect_input_error(const std::function<void()>& f, const std::string& needle) {
  try {
    f();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos)
        << "message '" << e.what() << "' does not name '" << needle << "'";
    return;
  }
  ADD_FAILURE() << "no InputError (expected one naming '" << needle << "')";
}

class VlmInputErrors : public ::testing::Test {
 protected:
  VlmConfig config = vlm_preset("tiny");
  TensorMap weights = vlm_test::fixture_weights(config, 61);
  VlmModel model{config, weights, VlmRotary{"mrope", {}}};
  VlmInput good = vlm_test::fixture_input(config, 5);

  void expect_prefill_error(const VlmInput& input, const std::string& needle) {
    expect_input_error([&] { model.prefill(input); }, needle);
  }
};

TEST_F(VlmInputErrors, TokenIdsOutsideTheVocabulary) {
  VlmInput in = good;
  in.input_ids[3] = 1024;
  expect_prefill_error(in, "input_ids[3] = 1024");
  in.input_ids[3] = -5;
  expect_prefill_error(in, "input_ids[3] = -5");
}

TEST_F(VlmInputErrors, VisualRunsNotMatchingTheGrids) {
  VlmInput shorter = good;  // the image run loses one of its 4 tokens
  shorter.input_ids.erase(shorter.input_ids.begin() + 6);
  expect_prefill_error(shorter, "has 3 tokens but grid (1, 4, 4) needs 4");
  VlmInput no_grid = good;
  no_grid.image_grid_thw.clear();
  no_grid.pixel_values = Tensor{};
  expect_prefill_error(no_grid, "more image runs than the 0 image grids");
  VlmInput extra_grid = good;
  extra_grid.video_grid_thw.push_back({1, 2, 2});
  expect_prefill_error(extra_grid, "video_grid_thw has 2 grids but input_ids hold 1 video runs");
}

TEST_F(VlmInputErrors, GridSidesNotDivisibleByTheMergeSize) {
  VlmInput in = good;
  in.image_grid_thw[0] = {1, 5, 4};
  expect_prefill_error(in, "h = 5");
  in.image_grid_thw[0] = {1, 4, 3};
  expect_prefill_error(in, "w = 3");
  in.image_grid_thw[0] = {0, 4, 4};
  expect_prefill_error(in, "(0, 4, 4)");
}

TEST_F(VlmInputErrors, PixelRowsAndWidths) {
  VlmInput rows = good;
  rows.pixel_values.shape[0] = 15;
  rows.pixel_values.data.resize(static_cast<std::size_t>(15 * config.vision.patch_dim()));
  expect_prefill_error(rows, "pixel_values has 15 rows but the grids count 16 patches");
  VlmInput width = good;
  width.pixel_values_videos.shape = {48 * 2, config.vision.patch_dim() / 2};
  expect_prefill_error(width, "pixel_values_videos has 96 rows");
  width.pixel_values_videos.shape = {48, config.vision.patch_dim() + 1};
  expect_prefill_error(width, "rows are 1177 wide");
  VlmInput nan = good;
  nan.pixel_values.data[static_cast<std::size_t>(config.vision.patch_dim()) + 2] = NAN;
  expect_prefill_error(nan, "pixel_values[1, 2] = nan");
}

TEST_F(VlmInputErrors, WeightsNamedByTensor) {
  TensorMap missing = weights;
  missing.erase("model.layers.1.mlp.up_proj.weight");
  expect_input_error([&] { VlmModel m(config, missing); }, "missing tensor 'model.layers.1.mlp.up_proj.weight' (expected shape (256, 128))");
  TensorMap shape = weights;
  shape["visual.blocks.0.attn.qkv.bias"].shape = {95};
  expect_input_error([&] { VlmModel m(config, shape); }, "'visual.blocks.0.attn.qkv.bias' has shape (95), expected (96)");
  TensorMap extra = weights;
  extra["model.layers.9.extra.weight"] = Tensor{{1}, {0.0f}};
  expect_input_error([&] { VlmModel m(config, extra); }, "unexpected tensor 'model.layers.9.extra.weight'");
  TensorMap inf = weights;
  inf["model.norm.weight"].data[7] = INFINITY;
  expect_input_error([&] { VlmModel m(config, inf); }, "'model.norm.weight' has a non-finite value inf at flat index 7");
}

TEST_F(VlmInputErrors, ConfigAndMethod) {
  VlmConfig bad = config;
  bad.num_key_value_heads = 3;
  expect_input_error([&] { VlmModel m(bad, weights); }, "num_key_value_heads = 3");
  expect_input_error([&] { VlmModel m(config, weights, VlmRotary{"spiral", {}}); }, "unknown method 'spiral'");
  VlmRotary adjacent{"mrope", {}};
  adjacent.options.layout = PairLayout::adjacent;
  expect_input_error([&] { VlmModel m(config, weights, adjacent); }, "'adjacent'");
}

TEST_F(VlmInputErrors, DecodeAndProbeMisuse) {
  KvCache cache;
  expect_input_error([&] { model.decode(5, &cache); }, "decode needs a cache filled by prefill");
  model.prefill(good, &cache);
  expect_input_error([&] { model.decode(1024, &cache); }, "token id 1024");
  AttentionProbe probe;
  probe.layer = 2;
  PrefillOptions options;
  options.probe = &probe;
  expect_input_error([&] { model.prefill(good, nullptr, options); }, "attention probe (layer 2, query 0)");
}

TEST_F(VlmInputErrors, FailedPrefillLeavesTheCacheUntouched) {
  KvCache cache;
  model.prefill(good, &cache);
  const std::int64_t length = cache.length;
  VlmInput bad = good;
  bad.input_ids[0] = 5000;
  expect_prefill_error(bad, "input_ids[0] = 5000");
  EXPECT_EQ(cache.length, length);
  EXPECT_EQ(model.decode(7, &cache).size(), static_cast<std::size_t>(config.vocab_size));
}

}  // namespace
}  // namespace hopelab
