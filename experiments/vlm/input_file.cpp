#include "vlm/input_file.h"

#include <cmath>
#include <cstdint>

#include "sim/train/model_gradients.h"
#include "theory/input_error.h"
#include "vlm/safetensors.h"

namespace hopelab {
namespace {

constexpr std::int64_t kMaxGridSide = 1 << 20;

[[noreturn]] void fail(const std::string& source, const std::string& what) { throw InputError(source + ": " + what); }

// One modality: grids, pixel rows and the runs of its token id in input_ids.
void validate_visual(const VlmInput& input, const VlmConfig& config, const std::vector<VisualGrid>& grids,
                     const Tensor& pixels, std::int64_t token_id, const std::string& kind, const std::string& source) {
  const std::string pixel_name = kind == "image" ? "pixel_values" : "pixel_values_videos";
  const std::int64_t m = config.vision.spatial_merge_size;
  std::int64_t rows = 0;
  std::vector<std::int64_t> run_lengths;  // expected, one per grid
  for (size_t g = 0; g < grids.size(); ++g) {
    const VisualGrid& grid = grids[g];
    const std::string where = kind + " grid " + std::to_string(g) + " (" + std::to_string(grid.t) + ", " +
                              std::to_string(grid.h) + ", " + std::to_string(grid.w) + ")";
    if (grid.t < 1 || grid.h < 1 || grid.w < 1 || grid.t > kMaxGridSide || grid.h > kMaxGridSide ||
        grid.w > kMaxGridSide) {
      fail(source, where + " has a side outside [1, " + std::to_string(kMaxGridSide) + "]");
    }
    if (grid.h % m != 0 || grid.w % m != 0)
      fail(source, where + " is not divisible by the merge size " + std::to_string(m));
    rows += grid.t * grid.h * grid.w;  // each term < 2^60; at most one term past the pixel rows below
    if (rows > static_cast<std::int64_t>(pixels.data.size()))
      fail(source, where + " needs more rows than " + pixel_name + " has");
    run_lengths.push_back(grid.t * (grid.h / m) * (grid.w / m));
  }
  const std::vector<std::int64_t> expected_shape = {rows, config.vision.patch_dim()};
  if (!grids.empty() && pixels.shape != expected_shape) {
    fail(source, pixel_name + " has " + std::to_string(pixels.shape.size()) + "-d shape with " +
                     std::to_string(pixels.shape.empty() ? 0 : pixels.shape[0]) + " rows; the grids need (" +
                     std::to_string(rows) + ", " + std::to_string(config.vision.patch_dim()) + ")");
  }
  for (size_t i = 0; i < pixels.data.size(); ++i) {
    if (!std::isfinite(pixels.data[i]))
      fail(source, pixel_name + " has a non-finite value at index " + std::to_string(i));
  }
  size_t run = 0;
  const std::vector<std::int64_t>& ids = input.input_ids;
  for (size_t i = 0; i < ids.size();) {
    if (ids[i] != token_id) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < ids.size() && ids[j] == token_id) ++j;
    const auto length = static_cast<std::int64_t>(j - i);
    if (run >= run_lengths.size()) fail(source, kind + " token run at position " + std::to_string(i) + " has no grid");
    if (length != run_lengths[run]) {
      fail(source, kind + " token run " + std::to_string(run) + " at position " + std::to_string(i) + " has " +
                       std::to_string(length) + " tokens; its grid needs " + std::to_string(run_lengths[run]));
    }
    ++run;
    i = j;
  }
  if (run != run_lengths.size()) {
    fail(source,
         std::to_string(grids.size()) + " " + kind + " grids but " + std::to_string(run) + " " + kind + " token runs");
  }
}

std::vector<VisualGrid> grids_of(const IntTensor& t, const std::string& name, const std::string& source) {
  if (t.shape.size() != 2 || t.shape[1] != 3) fail(source, "tensor '" + name + "' is not of shape (n, 3)");
  std::vector<VisualGrid> grids;
  for (std::int64_t g = 0; g < t.shape[0]; ++g) grids.push_back({t.data[3 * g], t.data[3 * g + 1], t.data[3 * g + 2]});
  return grids;
}

}  // namespace

void validate_input(const VlmInput& input, const VlmConfig& config, const std::string& source) {
  if (input.input_ids.empty()) fail(source, "input_ids is empty");
  for (size_t i = 0; i < input.input_ids.size(); ++i) {
    if (input.input_ids[i] < 0 || input.input_ids[i] >= config.vocab_size) {
      fail(source, "input_ids[" + std::to_string(i) + "] = " + std::to_string(input.input_ids[i]) +
                       " is outside [0, vocab_size = " + std::to_string(config.vocab_size) + ")");
    }
  }
  validate_visual(input, config, input.image_grid_thw, input.pixel_values, config.image_token_id, "image", source);
  validate_visual(input, config, input.video_grid_thw, input.pixel_values_videos, config.video_token_id, "video",
                  source);
  if (!input.labels.empty()) {
    try {
      validate_labels(config, input.labels, input.input_ids.size());
    } catch (const InputError& e) {
      fail(source, e.what());
    }
  }
}

VlmInput read_input_file(const std::string& path, const VlmConfig& config) {
  SafetensorsContents file = read_safetensors(path);
  const std::map<std::string, Dtype> allowed = {{"input_ids", Dtype::i64},
                                                {"pixel_values", Dtype::f32},
                                                {"image_grid_thw", Dtype::i64},
                                                {"pixel_values_videos", Dtype::f32},
                                                {"video_grid_thw", Dtype::i64},
                                                {"labels", Dtype::i64}};
  for (const auto& [name, dtype] : file.stored_dtypes) {
    const auto it = allowed.find(name);
    if (it == allowed.end()) fail(path, "unexpected tensor '" + name + "'");
    if (it->second != dtype) {
      fail(path, "tensor '" + name + "' is " + dtype_name(dtype) + ", expected " + dtype_name(it->second));
    }
  }
  for (const auto& [pixels, grid] : {std::pair<const char*, const char*>{"pixel_values", "image_grid_thw"},
                                     {"pixel_values_videos", "video_grid_thw"}}) {
    if (file.floats.count(pixels) != file.integers.count(grid))
      fail(path, std::string("'") + pixels + "' and '" + grid + "' must come together");
  }
  const auto ids = file.integers.find("input_ids");
  if (ids == file.integers.end()) fail(path, "missing tensor 'input_ids'");
  if (ids->second.shape.size() != 1) fail(path, "tensor 'input_ids' is not one-dimensional (L)");
  VlmInput input;
  input.input_ids = ids->second.data;
  if (file.integers.count("image_grid_thw")) {
    input.image_grid_thw = grids_of(file.integers["image_grid_thw"], "image_grid_thw", path);
    input.pixel_values = std::move(file.floats["pixel_values"]);
  }
  if (file.integers.count("video_grid_thw")) {
    input.video_grid_thw = grids_of(file.integers["video_grid_thw"], "video_grid_thw", path);
    input.pixel_values_videos = std::move(file.floats["pixel_values_videos"]);
  }
  if (file.integers.count("labels")) {
    const IntTensor& labels = file.integers["labels"];
    if (labels.shape.size() != 1) fail(path, "tensor 'labels' is not one-dimensional (L)");
    input.labels = labels.data;
  }
  validate_input(input, config, path);
  return input;
}

void write_input_file(const std::string& path, const VlmInput& input,
                      const std::map<std::string, std::string>& metadata) {
  SafetensorsContents file;
  file.metadata = metadata;
  file.integers["input_ids"] = {{static_cast<std::int64_t>(input.input_ids.size())}, input.input_ids};
  if (!input.labels.empty()) file.integers["labels"] = {{static_cast<std::int64_t>(input.labels.size())}, input.labels};
  auto add_grids = [&](const std::vector<VisualGrid>& grids, const Tensor& pixels, const char* grid_name,
                       const char* pixel_name) {
    if (grids.empty()) return;
    IntTensor& g = file.integers[grid_name];
    g.shape = {static_cast<std::int64_t>(grids.size()), 3};
    for (const VisualGrid& v : grids) g.data.insert(g.data.end(), {v.t, v.h, v.w});
    file.floats[pixel_name] = pixels;
  };
  add_grids(input.image_grid_thw, input.pixel_values, "image_grid_thw", "pixel_values");
  add_grids(input.video_grid_thw, input.pixel_values_videos, "video_grid_thw", "pixel_values_videos");
  write_safetensors(path, file, Dtype::f32);
}

}  // namespace hopelab
