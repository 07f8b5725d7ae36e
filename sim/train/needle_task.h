#pragma once
// A synthetic video needle-in-a-haystack task to train and test on (docs/vlm.md "Training"): a
// video of F frames (temporal patches, grid t) of GH x GW LLM tokens each, every frame random
// noise except one, the needle, which shows the fixed pattern of one of K classes; the model
// reads the video and a question token and must answer the needle's class.
//   prompt: bos, vision_start, F GH GW video tokens, vision_end, question, answer
//   labels: -100 everywhere but the answer (the question's logits predict it)
// Answers are the text ids 0 .. K-1, the question id is K. Every draw is counter-based (Philox,
// key (seed, stream), counter the example's index): example i is the same on any machine, in
// any order, after any resume.

#include <cstdint>

#include "sim/vlm/vlm_config.h"
#include "sim/vlm/vlm_input.h"

namespace hopelab {

struct NeedleTask {
  std::int64_t min_frames = 4;   // F is drawn uniformly from [min_frames, max_frames]
  std::int64_t max_frames = 16;
  std::int64_t grid_height = 2;  // GH, LLM tokens per frame row
  std::int64_t grid_width = 2;   // GW
  int classes = 8;               // K
  std::uint64_t seed = 0;        // patterns and examples
};

struct NeedleExample {
  VlmInput input;                 // with labels
  std::int64_t frames = 0;        // F
  std::int64_t needle_frame = 0;  // in [0, F)
  int needle_class = 0;           // in [0, K)
};

// Throws InputError naming the first bad setting for this model: frames outside [1, 2^16] or
// min > max, grid sides outside [1, 256], classes outside [2, vocab - 7] (the top six ids are
// special, one more is the question).
void check_needle_task(const NeedleTask& task, const VlmConfig& config);

// check_needle_task, and a video of F = frames: frames outside [1, 2^16] or above 2^28 pixel
// values throw InputError.
void check_needle_length(const NeedleTask& task, const VlmConfig& config, std::int64_t frames);

// Example `index`: F, the needle's frame and class drawn from it, then the pixels.
NeedleExample needle_example(const VlmConfig& config, const NeedleTask& task, std::uint64_t index);
// Example `index` with F and the needle's frame given (an evaluation grid's cell). Throws
// InputError for a bad task, frame or a video above 2^28 pixel values.
NeedleExample needle_example_at(const VlmConfig& config, const NeedleTask& task, std::uint64_t index,
                                std::int64_t frames, std::int64_t needle_frame);

}  // namespace hopelab
