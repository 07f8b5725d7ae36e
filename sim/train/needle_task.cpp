#include "sim/train/needle_task.h"

#include <string>
#include <vector>

#include "kernels/normal.h"
#include "kernels/uniform_index.h"
#include "sim/train/cross_entropy.h"
#include "theory/input_error.h"

namespace hopelab {
namespace {

// Philox streams of the task.
constexpr std::uint32_t kFramesStream = 0;    // F of example i
constexpr std::uint32_t kNeedleStream = 1;    // needle frame and class of example i
constexpr std::uint32_t kNoiseStream = 2;     // haystack pixels of example i
constexpr std::uint32_t kPatternStream = 3;   // class patterns: sample = class; the marker: sample K
constexpr std::uint32_t kFrameClassStream = 4;  // marked, order: frame f's class, blocks from f B of example i
constexpr std::uint32_t kPartnerStream = 5;     // order: the partner frame (blocks from 0) and its class (from B)
// B: the Philox blocks one uniform_index draw may read; draws of one sample start B apart.
constexpr std::uint32_t kDrawBlocks = kUniformIndexBlocks;

// N(0, 1) values first .. first + n - 1 of a (stream, sample) sequence: value e is the first
// (e even) or second (e odd) of the Box-Muller pair at draw e / 2, each pair drawn once. out: (n).
void normal_values(std::uint64_t seed, std::uint32_t stream, std::uint64_t sample, std::uint64_t first,
                   std::int64_t n, float* out) {
  VariatePair<double> pair{};
  for (std::uint64_t e = first; e < first + static_cast<std::uint64_t>(n); ++e) {
    if (e == first || e % 2 == 0) pair = normal_pair(seed, stream, sample, static_cast<std::uint32_t>(e / 2));
    *out++ = static_cast<float>(e % 2 == 0 ? pair.first : pair.second);
  }
}

void require(bool ok, const std::string& what) {
  if (!ok) throw InputError(what);
}

}  // namespace

const char* needle_variant_name(NeedleVariant v) {
  return v == NeedleVariant::plain ? "plain" : v == NeedleVariant::marked ? "marked" : "order";
}

NeedleVariant parse_needle_variant(const std::string& name, const std::string& field) {
  for (NeedleVariant v : {NeedleVariant::plain, NeedleVariant::marked, NeedleVariant::order}) {
    if (name == needle_variant_name(v)) return v;
  }
  throw InputError(field + " must be plain, marked or order, got '" + name + "'");
}

void check_needle_task(const NeedleTask& t, const VlmConfig& c) {
  require(t.min_frames >= 1 && t.min_frames <= (1 << 16),
          "needle task: min_frames = " + std::to_string(t.min_frames) + " is outside [1, 65536]");
  require(t.max_frames >= t.min_frames && t.max_frames <= (1 << 16),
          "needle task: max_frames = " + std::to_string(t.max_frames) + " is outside [min_frames, 65536]");
  require(t.grid_height >= 1 && t.grid_height <= 256,
          "needle task: grid_height = " + std::to_string(t.grid_height) + " is outside [1, 256]");
  require(t.grid_width >= 1 && t.grid_width <= 256,
          "needle task: grid_width = " + std::to_string(t.grid_width) + " is outside [1, 256]");
  require(t.classes >= 2 && t.classes <= c.vocab_size - 7,
          "needle task: classes = " + std::to_string(t.classes) + " is outside [2, vocab_size - 7 = " +
              std::to_string(c.vocab_size - 7) + "]");
  require(t.variant != NeedleVariant::order || t.min_frames >= 2,
          "needle task: the order variant needs two frames, min_frames = " + std::to_string(t.min_frames));
  require(t.noise_level >= 0 && t.noise_level <= 100,
          "needle task: noise_level = " + std::to_string(t.noise_level) + " is outside [0, 100]");
}

void check_needle_length(const NeedleTask& task, const VlmConfig& config, std::int64_t frames) {
  check_needle_task(task, config);
  require(frames >= 1 && frames <= (1 << 16), "needle task: frames = " + std::to_string(frames) +
                                                  " is outside [1, 65536]");
  require(task.variant != NeedleVariant::order || frames >= 2,
          "needle task: the order variant needs two frames, got " + std::to_string(frames));
  const std::int64_t m = config.vision.spatial_merge_size;
  const std::int64_t rows_per_frame = task.grid_height * task.grid_width * m * m;
  require(frames * rows_per_frame * config.vision.patch_dim() <= (std::int64_t{1} << 28),
          "needle task: a video of " + std::to_string(frames) + " frames holds more than 2^28 pixel values");
}

NeedleExample needle_example(const VlmConfig& config, const NeedleTask& task, std::uint64_t index) {
  const auto span = static_cast<std::uint64_t>(task.max_frames - task.min_frames + 1);
  const std::int64_t frames = task.min_frames + static_cast<std::int64_t>(
                                                    uniform_index(span, task.seed, kFramesStream, index, 0));
  const auto needle = static_cast<std::int64_t>(
      uniform_index(static_cast<std::uint64_t>(frames), task.seed, kNeedleStream, index, 0));
  return needle_example_at(config, task, index, frames, needle);
}

NeedleExample needle_example_at(const VlmConfig& config, const NeedleTask& task, std::uint64_t index,
                                std::int64_t frames, std::int64_t needle_frame) {
  check_needle_length(task, config, frames);
  require(needle_frame >= 0 && needle_frame < frames, "needle task: needle frame " + std::to_string(needle_frame) +
                                                          " is outside [0, " + std::to_string(frames) + ")");
  const VisionConfig& v = config.vision;
  const std::int64_t m = v.spatial_merge_size;
  const std::int64_t tokens_per_frame = task.grid_height * task.grid_width;
  const std::int64_t rows_per_frame = tokens_per_frame * m * m;  // patch rows of one temporal patch
  const std::int64_t width = v.patch_dim();
  NeedleExample ex;
  ex.frames = frames;
  ex.needle_frame = needle_frame;
  const auto classes = static_cast<std::uint64_t>(task.classes);
  ex.needle_class = static_cast<int>(uniform_index(classes, task.seed, kNeedleStream, index, kDrawBlocks));
  ex.answer = ex.needle_class;
  int partner_class = -1;
  if (task.variant == NeedleVariant::order) {  // another frame, another class
    const auto other = static_cast<std::int64_t>(
        uniform_index(static_cast<std::uint64_t>(frames - 1), task.seed, kPartnerStream, index, 0));
    ex.partner_frame = other < needle_frame ? other : other + 1;
    partner_class = static_cast<int>(
        (static_cast<std::uint64_t>(ex.needle_class) + 1 + uniform_index(classes - 1, task.seed, kPartnerStream, index, kDrawBlocks)) %
        classes);
    if (ex.partner_frame < needle_frame) ex.answer = partner_class;
  }

  VlmInput& in = ex.input;
  in.input_ids = {config.bos_token_id, config.vision_start_token_id};
  in.input_ids.insert(in.input_ids.end(), static_cast<std::size_t>(frames * tokens_per_frame), config.video_token_id);
  in.input_ids.insert(in.input_ids.end(), {config.vision_end_token_id, static_cast<std::int64_t>(task.classes),
                                           static_cast<std::int64_t>(ex.answer)});
  in.labels.assign(in.input_ids.size(), kIgnoreLabel);
  in.labels.back() = ex.answer;  // the question's logits predict the answer
  in.video_grid_thw = {VisualGrid{frames, task.grid_height * m, task.grid_width * m}};
  Tensor& pixels = in.pixel_values_videos;
  pixels.shape = {frames * rows_per_frame, width};
  pixels.data.resize(static_cast<std::size_t>(frames * rows_per_frame * width));
  const std::int64_t values = rows_per_frame * width;
  if (task.variant == NeedleVariant::plain) {
    for (std::int64_t f = 0; f < frames; ++f) {
      float* frame = pixels.data.data() + f * values;
      if (f == needle_frame) {
        normal_values(task.seed, kPatternStream, static_cast<std::uint64_t>(ex.needle_class), 0, values,
                      frame);  // the class's pattern
      } else {
        normal_values(task.seed, kNoiseStream, index, static_cast<std::uint64_t>(f * values), values, frame);  // noise
      }
    }
    return ex;
  }
  // marked, order: pattern(class of f) + noise_level noise (+ the marker on marked frames).
  std::vector<float> pattern(static_cast<std::size_t>(values)), marker(static_cast<std::size_t>(values));
  normal_values(task.seed, kPatternStream, classes, 0, values, marker.data());
  const auto noise = static_cast<float>(task.noise_level);
  for (std::int64_t f = 0; f < frames; ++f) {
    float* frame = pixels.data.data() + f * values;
    const bool marked = f == needle_frame || f == ex.partner_frame;
    const int c = f == needle_frame    ? ex.needle_class
                  : f == ex.partner_frame ? partner_class
                                          : static_cast<int>(uniform_index(classes, task.seed, kFrameClassStream, index,
                                                                           static_cast<std::uint32_t>(f) * kDrawBlocks));
    normal_values(task.seed, kPatternStream, static_cast<std::uint64_t>(c), 0, values, pattern.data());
    normal_values(task.seed, kNoiseStream, index, static_cast<std::uint64_t>(f * values), values, frame);
    for (std::int64_t e = 0; e < values; ++e) {
      frame[e] = pattern[static_cast<std::size_t>(e)] + noise * frame[e] + (marked ? marker[static_cast<std::size_t>(e)] : 0.0f);
    }
  }
  return ex;
}

}  // namespace hopelab
