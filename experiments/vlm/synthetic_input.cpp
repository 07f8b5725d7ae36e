#include "vlm/synthetic_input.h"

#include <algorithm>
#include <string>

#include "kernels/normal.h"
#include "kernels/uniform_index.h"
#include "theory/input_error.h"

namespace hopelab {
namespace {

constexpr std::uint32_t kTextStream = 0;
constexpr std::uint32_t kPixelStream = 1;
constexpr std::int64_t kSpecialIds = 6;
constexpr std::int64_t kMaxTokens = std::int64_t{1} << 24;
constexpr std::int64_t kMaxPixelValues = std::int64_t{1} << 28;

void check_count(const char* flag, std::int64_t value, std::int64_t low) {
  if (value < low || value > kMaxTokens) {
    throw InputError(std::string(flag) + " " + std::to_string(value) + " is outside [" + std::to_string(low) + ", " +
                     std::to_string(kMaxTokens) + "]");
  }
}

}  // namespace

void check_synthetic_prompt(const VlmConfig& config, const SyntheticPrompt& prompt, const SyntheticPromptNames& names) {
  check_count(names.text_before, prompt.text_before, 0);
  check_count(names.frames, prompt.frames, 1);
  check_count(names.grid_height, prompt.grid_height, 1);
  check_count(names.grid_width, prompt.grid_width, 1);
  check_count(names.text_after, prompt.text_after, 0);
  const std::int64_t video_tokens = prompt.frames * prompt.grid_height * prompt.grid_width;  // each < 2^25
  if (video_tokens > kMaxTokens) throw InputError("video of " + std::to_string(video_tokens) + " tokens is too long");
  const std::int64_t m = config.vision.spatial_merge_size;
  const std::int64_t rows = video_tokens * m * m;
  const std::int64_t width = config.vision.patch_dim();
  if (rows > kMaxPixelValues / width) {
    throw InputError("video of " + std::to_string(rows) + " patches of " + std::to_string(width) +
                     " values is too large (at most " + std::to_string(kMaxPixelValues) + " values)");
  }
  if (config.vocab_size <= kSpecialIds) {
    throw InputError("vocab_size " + std::to_string(config.vocab_size) +
                     " leaves no text ids below the six special ids");
  }
  for (const auto& [source, destination] : prompt.repeat_frames) {
    for (std::int64_t f : {source, destination}) {
      if (f < 0 || f >= prompt.frames) {
        throw InputError(std::string(names.repeat_frame) + " " + std::to_string(source) + ":" +
                         std::to_string(destination) + ": frame " + std::to_string(f) + " is outside [0, " + std::to_string(prompt.frames) + ")");
      }
    }
  }
}

VlmInput synthetic_video_prompt(const VlmConfig& config, const SyntheticPrompt& prompt) {
  check_synthetic_prompt(config, prompt);
  const std::int64_t video_tokens = prompt.frames * prompt.grid_height * prompt.grid_width;
  const std::int64_t m = config.vision.spatial_merge_size;
  const std::int64_t rows = video_tokens * m * m;
  const std::int64_t width = config.vision.patch_dim();

  VlmInput input;
  const auto text_vocab = static_cast<std::uint64_t>(config.vocab_size - kSpecialIds);
  auto text_id = [&](std::int64_t position) {
    return static_cast<std::int64_t>(
        uniform_index(text_vocab, prompt.seed, kTextStream, static_cast<std::uint64_t>(position), 0));
  };
  std::vector<std::int64_t>& ids = input.input_ids;
  for (std::int64_t i = 0; i < prompt.text_before; ++i) ids.push_back(text_id(static_cast<std::int64_t>(ids.size())));
  ids.push_back(config.vision_start_token_id);
  ids.insert(ids.end(), static_cast<size_t>(video_tokens), config.video_token_id);
  ids.push_back(config.vision_end_token_id);
  for (std::int64_t i = 0; i < prompt.text_after; ++i) ids.push_back(text_id(static_cast<std::int64_t>(ids.size())));

  input.video_grid_thw.push_back({prompt.frames, m * prompt.grid_height, m * prompt.grid_width});
  Tensor& pixels = input.pixel_values_videos;
  pixels.shape = {rows, width};
  const std::int64_t n = rows * width;
  pixels.data.resize(static_cast<size_t>(n));
  for (std::int64_t pair = 0; pair < (n + 1) / 2; ++pair) {
    const VariatePair<double> z = normal_pair(prompt.seed, kPixelStream, static_cast<std::uint64_t>(pair), 0);
    pixels.data[static_cast<size_t>(2 * pair)] = static_cast<float>(z.first);
    if (2 * pair + 1 < n) pixels.data[static_cast<size_t>(2 * pair + 1)] = static_cast<float>(z.second);
  }
  const std::int64_t frame_values = n / prompt.frames;  // rows of one temporal patch x width
  for (const auto& [source, destination] : prompt.repeat_frames) {
    const auto from = pixels.data.begin() + source * frame_values;
    std::copy(from, from + frame_values, pixels.data.begin() + destination * frame_values);
  }
  return input;
}

}  // namespace hopelab
