#pragma once
// A synthetic video needle-in-a-haystack task to train and test on (docs/vlm.md "Training"): a
// video of F frames (temporal patches, grid t) of GH x GW LLM tokens each; the model reads the
// video and a question token and must answer a class. Three variants:
//   plain:  every frame N(0, 1) noise except the needle, which shows the fixed pattern of one of
//           K classes; the answer is its class (the needle is the only structured frame).
//   marked: every frame shows the pattern of a class of its own plus noise_level N(0, 1) noise;
//           the needle frame also carries the marker pattern; the answer is the needle's class
//           (the V-NIAH task: the class alone does not find the needle, the marker does).
//   order:  as marked, with two marked frames of different classes, the needle and a partner
//           drawn among the other frames; the answer is the class of the earlier one (temporal
//           order: a position-blind model cannot tell which came first).
//   prompt: bos, vision_start, F GH GW video tokens, vision_end, question, answer
//   labels: -100 everywhere but the answer (the question's logits predict it)
// Answers are the text ids 0 .. K-1, the question id is K. Every draw is counter-based (Philox,
// key (seed, stream), counter the example's index): example i is the same on any machine, in
// any order, after any resume. Patterns: class c's is the (seed, pattern stream, sample c)
// sequence, the marker's sample K.

#include <cstdint>
#include <string>

#include "sim/vlm/vlm_config.h"
#include "sim/vlm/vlm_input.h"

namespace hopelab {

enum class NeedleVariant { plain, marked, order };

// "plain", "marked", "order"; parse throws InputError "FIELD must be plain, marked or order, got
// 'NAME'", FIELD the setting's name where the caller reads it (a flag, a spec key).
const char* needle_variant_name(NeedleVariant v);
NeedleVariant parse_needle_variant(const std::string& name, const std::string& field = "needle task variant");

struct NeedleTask {
  std::int64_t min_frames = 4;   // F is drawn uniformly from [min_frames, max_frames]
  std::int64_t max_frames = 16;
  std::int64_t grid_height = 2;  // GH, LLM tokens per frame row
  std::int64_t grid_width = 2;   // GW
  int classes = 8;               // K
  std::uint64_t seed = 0;        // patterns and examples
  NeedleVariant variant = NeedleVariant::plain;
  double noise_level = 1.0;      // marked, order: the noise's standard deviation
};

struct NeedleExample {
  VlmInput input;                 // with labels
  std::int64_t frames = 0;        // F
  std::int64_t needle_frame = 0;  // in [0, F)
  int needle_class = 0;           // in [0, K)
  std::int64_t partner_frame = -1;  // order: the other marked frame; else -1
  int answer = 0;                 // the label: needle_class, or (order) the earlier frame's class
};

// Throws InputError naming the first bad setting for this model: frames outside [1, 2^16] or
// min > max (order: min >= 2), grid sides outside [1, 256], classes outside [2, vocab - 7] (the
// top six ids are special, one more is the question), a noise level outside [0, 100].
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
