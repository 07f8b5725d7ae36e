// experiments/vlm/synthetic_input and input_file: the prompt has the run lengths and grid the
// options ask for, --repeat-frame copies exactly, the file round-trips exactly, and bad inputs
// (wrong dtype, shape, run length, grid, id) are refused naming the tensor.

#include <cmath>
#include <filesystem>
#include <unistd.h>

#include <gtest/gtest.h>

#include "sim/vlm/presets.h"
#include "theory/input_error.h"
#include "vlm/input_file.h"
#include "vlm/safetensors.h"
#include "vlm/synthetic_input.h"

namespace hopelab {
namespace {

namespace fs = std::filesystem;

// This process's scratch directory under the system temporary directory, removed at exit.
fs::path scratch_root() {
  struct Scratch {
    fs::path path = fs::temp_directory_path() / ("hopelab_input_test_" + std::to_string(::getpid()));
    ~Scratch() {
      std::error_code ignored;
      fs::remove_all(path, ignored);
    }
  };
  static const Scratch scratch;
  return scratch.path;
}

std::string temp_file(const std::string& name) {
  const fs::path dir = scratch_root();
  fs::create_directories(dir);
  return (dir / name).string();
}

TEST(SyntheticInput, PromptHasTheRequestedRunsAndGrid) {
  const VlmConfig config = vlm_preset("tiny");
  SyntheticPrompt p;
  p.text_before = 3;
  p.frames = 4;
  p.grid_height = 2;
  p.grid_width = 3;
  p.text_after = 5;
  p.seed = 9;
  const VlmInput in = synthetic_video_prompt(config, p);
  const std::int64_t video = 4 * 2 * 3;
  ASSERT_EQ(in.input_ids.size(), static_cast<size_t>(3 + 1 + video + 1 + 5));
  for (std::int64_t i = 0; i < 3; ++i) EXPECT_LT(in.input_ids[i], config.vocab_size - 6) << "text id " << i;
  EXPECT_EQ(in.input_ids[3], config.vision_start_token_id);
  for (std::int64_t i = 0; i < video; ++i) EXPECT_EQ(in.input_ids[4 + i], config.video_token_id) << i;
  EXPECT_EQ(in.input_ids[4 + video], config.vision_end_token_id);
  for (size_t i = 5 + video; i < in.input_ids.size(); ++i) EXPECT_LT(in.input_ids[i], config.vocab_size - 6) << i;
  ASSERT_EQ(in.video_grid_thw.size(), 1u);
  EXPECT_EQ(in.video_grid_thw[0].t, 4);
  EXPECT_EQ(in.video_grid_thw[0].h, 4);  // 2 GH patches with merge 2
  EXPECT_EQ(in.video_grid_thw[0].w, 6);
  EXPECT_EQ(in.pixel_values_videos.shape, (std::vector<std::int64_t>{4 * 4 * 6, config.vision.patch_dim()}));
  EXPECT_NO_THROW(validate_input(in, config, "synthetic"));
}

TEST(SyntheticInput, RepeatFrameCopiesExactly) {
  const VlmConfig config = vlm_preset("tiny");
  SyntheticPrompt p;
  p.frames = 3;
  const VlmInput plain = synthetic_video_prompt(config, p);
  p.repeat_frames = {{2, 0}};
  const VlmInput repeated = synthetic_video_prompt(config, p);
  const size_t frame = plain.pixel_values_videos.data.size() / 3;
  const std::vector<float>& a = plain.pixel_values_videos.data;
  const std::vector<float>& b = repeated.pixel_values_videos.data;
  for (size_t i = 0; i < frame; ++i) {
    ASSERT_EQ(b[i], a[2 * frame + i]) << "frame 0 value " << i << " is not frame 2's";
    ASSERT_EQ(b[frame + i], a[frame + i]) << "frame 1 value " << i << " changed";
    ASSERT_EQ(b[2 * frame + i], a[2 * frame + i]) << "frame 2 value " << i << " changed";
  }
  EXPECT_NE(a[0], a[2 * frame]) << "frames 0 and 2 were equal before the copy: the check above proves nothing";
  p.repeat_frames = {{3, 0}};
  EXPECT_THROW(synthetic_video_prompt(config, p), InputError);
  p.repeat_frames.clear();
  p.frames = 0;
  EXPECT_THROW(synthetic_video_prompt(config, p), InputError);
}

void expect_read_refused(const SafetensorsContents& file, const std::vector<std::string>& needles) {
  const std::string path = temp_file("bad_input.safetensors");
  write_safetensors(path, file, Dtype::f32);
  try {
    read_input_file(path, vlm_preset("tiny"));
    FAIL() << "read a bad input; expected an error naming " << needles[0];
  } catch (const InputError& e) {
    for (const std::string& n : needles)
      EXPECT_NE(std::string(e.what()).find(n), std::string::npos) << "'" << n << "' not in: " << e.what();
  }
}

TEST(InputFile, RoundTripsExactlyAndRefusesBadTensors) {
  const VlmConfig config = vlm_preset("tiny");
  SyntheticPrompt p;
  p.repeat_frames = {{0, 1}};
  const VlmInput in = synthetic_video_prompt(config, p);
  const std::string path = temp_file("input.safetensors");
  write_input_file(path, in, {{"seed", "0"}});
  const VlmInput back = read_input_file(path, config);
  EXPECT_EQ(back.input_ids, in.input_ids);
  EXPECT_EQ(back.pixel_values_videos.shape, in.pixel_values_videos.shape);
  EXPECT_EQ(back.pixel_values_videos.data, in.pixel_values_videos.data);  // F32: exact
  EXPECT_TRUE(back.image_grid_thw.empty());

  SafetensorsContents good = read_safetensors(path);
  SafetensorsContents bad = good;
  bad.integers["input_ids"].data[6] = config.image_token_id;  // a video token becomes an image run
  expect_read_refused(bad, {"image", "no grid"});
  bad = good;
  bad.integers["input_ids"].data[0] = config.vocab_size;
  expect_read_refused(bad, {"input_ids[0]", "1024"});
  bad = good;
  bad.integers["input_ids"].data[5] = 7;  // shortens the video run
  expect_read_refused(bad, {"video token run", "needs"});
  bad = good;
  bad.integers["video_grid_thw"].data[1] = 3;
  expect_read_refused(bad, {"video grid 0", "merge size"});
  bad = good;
  bad.floats["pixel_values_videos"].data[4] = NAN;
  expect_read_refused(bad, {"pixel_values_videos", "index 4"});
  bad = good;
  bad.floats["pixel_values_videos"].shape = {1, bad.floats["pixel_values_videos"].numel()};
  expect_read_refused(bad, {"pixel_values_videos", "rows"});
  bad = good;
  bad.floats["attention_mask"] = {{1}, {1.0f}};
  expect_read_refused(bad, {"unexpected tensor 'attention_mask'"});
  bad = good;
  bad.floats["input_ids"] = {{2}, {1.0f, 2.0f}};
  bad.integers.erase("input_ids");
  expect_read_refused(bad, {"'input_ids'", "F32", "I64"});
  bad = good;
  bad.integers.erase("video_grid_thw");
  expect_read_refused(bad, {"'pixel_values_videos'", "'video_grid_thw'"});
}

}  // namespace
}  // namespace hopelab
