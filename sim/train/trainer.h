#pragma once
// One optimiser step of the VLM on the needle task (docs/vlm.md "Training"): the batch of step s
// is the task's examples s B .. s B + B - 1, split into G groups of consecutive examples, each
// packed into one prompt (packed_batch.h) whose forward and backward run on one thread, the
// groups' gradients summed in order: bit-identical for any thread count; the loss is the mean
// cross-entropy over the batch's counted labels; then global-norm clipping and AdamW at the
// schedule's rate. With DTS (HoPE's
// dynamic temporal scaling), example i's video is placed with a temporal step gamma drawn from
// the set (counter-based: seed, example i), in training only; with a frame stride above 1, at
// the positions of a video sampled every s-th frame (the control: long distances in training).

#include <cstdint>
#include <optional>
#include <vector>

#include "sim/train/adamw.h"
#include "sim/train/lr_schedule.h"
#include "sim/train/needle_task.h"
#include "sim/vlm/vlm_model.h"

namespace hopelab {

struct TrainSettings {
  std::int64_t steps = 600;          // S
  std::int64_t batch = 16;           // B, examples per step
  LearningRateSchedule schedule;     // its total is S
  AdamWSettings adamw;
  double clip_norm = 1.0;            // <= 0: no clipping
  std::vector<double> dts_gammas;    // DTS set; empty: no DTS
  std::uint64_t dts_seed = 0;        // the gamma and stride draws
  std::int64_t max_frame_stride = 1; // the control: each video strided by s uniform in [1, max]
  NeedleTask task;
  // A fixed prompt instead of the task (with its labels, or input_ids with the visual ids
  // ignored): every example of every batch is this prompt.
  std::optional<VlmInput> fixed_prompt;
};

// Throws InputError naming the first bad setting: steps or batch < 1 (or above 10^9 / 2^16),
// peak rate not in (0, 1], min_ratio outside [0, 1], warm-up outside [0, S), betas outside
// [0, 1), eps <= 0, weight decay < 0, a gamma <= 0 or not finite, DTS with a method whose design
// has no temporal step (only diagonal designs: videorope, hope), a frame stride outside
// [1, 1024], or a bad task.
void check_train_settings(const TrainSettings& settings, const VlmModel& model);
// The same for a model of this config and method, without its weights.
void check_train_settings(const TrainSettings& settings, const VlmConfig& config, const Method& method);

// Groups of a batch, G = min(B, kMaxGradientGroups, what kGroupGradientBytes holds): a function of
// the batch and the model's size alone, never of the thread count. A small model's ops are too
// short to share among threads (each parallel region's start and barrier cost more than half the
// op), so its groups run one per thread; a large model's single group spreads each op instead.
inline constexpr std::int64_t kMaxGradientGroups = 4;
inline constexpr std::int64_t kGroupGradientBytes = std::int64_t{256} << 20;  // float32 gradients
std::int64_t gradient_groups(std::int64_t batch, std::int64_t parameters);

struct StepLog {
  std::int64_t step = 0;        // 0-based, the step just taken
  double loss = 0.0;            // mean cross-entropy of the batch (before the update)
  double accuracy = 0.0;        // argmax hits over counted labels
  double learning_rate = 0.0;
  double grad_norm = 0.0;       // before clipping
  std::int64_t tokens = 0;      // LLM tokens of the batch
};

// The positions of example `index`'s prompt under DTS (the model's method with temporal step
// gamma) and the frame stride (frame_stride.h), or none when neither applies.
std::optional<PositionIds> training_positions(const VlmModel& model, const TrainSettings& settings,
                                              const VlmInput& input, std::uint64_t index);

// Step state->step of the run: updates the model's weights and *state in place. It is
// update_on_examples(step_examples(step)).
StepLog train_step(VlmModel* model, const TrainSettings& settings, AdamWState* state);

// The batch of step `step`: settings.batch examples of the task (or the fixed prompt), example e
// at task index step B + e, drawn in parallel.
std::vector<NeedleExample> step_examples(const VlmConfig& config, const TrainSettings& settings, std::int64_t step);
struct BatchGradients {
  TensorMap gradients;       // d(mean loss)/d(parameters), the model's names and shapes
  double loss_sum = 0.0;     // cross-entropy summed over the counted labels
  std::int64_t counted = 0;  // counted labels of the batch
  std::int64_t correct = 0;  // of them, argmax hits
  std::int64_t tokens = 0;   // LLM tokens of the batch
};

// The gradients of step `step`'s examples (positions: DTS, stride) computed as `groups` packed
// groups of consecutive examples (1 <= groups <= batch), summed in group order. Any grouping
// gives the same gradients up to float32 summation order.
BatchGradients batch_gradients(const VlmModel& model, const TrainSettings& settings,
                               const std::vector<NeedleExample>& examples, std::int64_t step, std::int64_t groups);

// The rest of step state->step on its examples: batch_gradients in gradient_groups groups,
// clipping, AdamW.
StepLog update_on_examples(VlmModel* model, const TrainSettings& settings, std::vector<NeedleExample> examples,
                           AdamWState* state);

}  // namespace hopelab
