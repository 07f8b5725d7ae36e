#include "sim/train/trainer.h"

#include <cmath>
#include <exception>
#include <string>

#include "kernels/uniform_index.h"
#include "sim/train/frame_stride.h"
#include "sim/train/gradient_views.h"
#include "sim/train/model_gradients.h"
#include "sim/train/packed_batch.h"
#include "sim/vlm/vlm_positions.h"
#include "theory/input_error.h"
#include "theory/text_format.h"

namespace hopelab {
namespace {

constexpr std::uint32_t kGammaStream = 0;
constexpr std::uint32_t kStrideStream = 1;

void require(bool ok, const std::string& what) {
  if (!ok) throw InputError(what);
}

}  // namespace

void check_train_settings(const TrainSettings& settings, const VlmModel& model) {
  check_train_settings(settings, model.config(), model.method());
}

void check_train_settings(const TrainSettings& s, const VlmConfig& config, const Method& method) {
  require(s.steps >= 1 && s.steps <= 1000000000, "steps = " + std::to_string(s.steps) + " is outside [1, 10^9]");
  require(s.batch >= 1 && s.batch <= 65536, "batch = " + std::to_string(s.batch) + " is outside [1, 65536]");
  require(std::isfinite(s.schedule.peak) && s.schedule.peak > 0 && s.schedule.peak <= 1,
          "learning rate = " + format_number(s.schedule.peak) + " is outside (0, 1]");
  require(s.schedule.min_ratio >= 0 && s.schedule.min_ratio <= 1,
          "min_lr_ratio = " + format_number(s.schedule.min_ratio) + " is outside [0, 1]");
  require(s.schedule.warmup >= 0 && s.schedule.warmup < s.steps,
          "warmup = " + std::to_string(s.schedule.warmup) + " is outside [0, steps)");
  require(s.schedule.total == s.steps, "the schedule's total must be the run's steps");
  require(s.adamw.beta1 >= 0 && s.adamw.beta1 < 1, "beta1 = " + format_number(s.adamw.beta1) + " is outside [0, 1)");
  require(s.adamw.beta2 >= 0 && s.adamw.beta2 < 1, "beta2 = " + format_number(s.adamw.beta2) + " is outside [0, 1)");
  require(s.adamw.eps > 0 && std::isfinite(s.adamw.eps), "eps = " + format_number(s.adamw.eps) + " is not positive");
  require(s.adamw.weight_decay >= 0 && std::isfinite(s.adamw.weight_decay),
          "weight_decay = " + format_number(s.adamw.weight_decay) + " is negative");
  require(std::isfinite(s.clip_norm), "clip_norm = " + format_number(s.clip_norm) + " is not finite");
  for (double g : s.dts_gammas) {
    require(std::isfinite(g) && g > 0, "DTS gamma = " + format_number(g) + " is not positive");
  }
  require(s.max_frame_stride >= 1 && s.max_frame_stride <= 1024,
          "max frame stride = " + std::to_string(s.max_frame_stride) + " is outside [1, 1024]");
  require(s.dts_gammas.empty() || method.design.kind == DesignKind::diagonal,
          "DTS scales a temporal step, which method " + method.name +
              " does not have (diagonal designs: videorope, hope)");
  check_needle_task(s.task, config);
  if (s.fixed_prompt) {
    const VlmInput& p = *s.fixed_prompt;
    vlm_layout(config, p);
    const std::vector<std::int64_t> labels = p.labels.empty() ? default_labels(config, p.input_ids) : p.labels;
    validate_labels(config, labels, p.input_ids.size());
    require(counted_targets(shifted_targets(labels)) > 0, "the training prompt's labels count no position");
  }
}

std::optional<PositionIds> training_positions(const VlmModel& model, const TrainSettings& settings,
                                              const VlmInput& input, std::uint64_t index) {
  if (settings.dts_gammas.empty() && settings.max_frame_stride <= 1) return std::nullopt;
  Method scaled = model.method();
  if (!settings.dts_gammas.empty()) {
    const std::uint64_t pick = uniform_index(settings.dts_gammas.size(), settings.dts_seed, kGammaStream, index, 0);
    scaled.design.temporal_step = settings.dts_gammas[pick];  // gamma for this video
  }
  const auto stride = 1 + static_cast<std::int64_t>(uniform_index(
                              static_cast<std::uint64_t>(settings.max_frame_stride), settings.dts_seed, kStrideStream,
                              index, 0));
  return strided_positions(scaled, vlm_layout(model.config(), input), stride);
}

std::vector<NeedleExample> step_examples(const VlmConfig& config, const TrainSettings& settings, std::int64_t step) {
  const std::int64_t batch = settings.batch;
  std::vector<NeedleExample> examples(static_cast<std::size_t>(batch));
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(batch));  // rethrown outside the threads
#pragma omp parallel for schedule(dynamic, 1) if (batch > 1)
  for (std::int64_t e = 0; e < batch; ++e) {  // each example a function of its index alone
    NeedleExample& ex = examples[static_cast<std::size_t>(e)];
    try {
      if (settings.fixed_prompt) {
        ex.input = *settings.fixed_prompt;
        if (ex.input.labels.empty()) ex.input.labels = default_labels(config, ex.input.input_ids);
      } else {
        ex = needle_example(config, settings.task, static_cast<std::uint64_t>(step * batch + e));
      }
    } catch (...) {
      errors[static_cast<std::size_t>(e)] = std::current_exception();
    }
  }
  for (const std::exception_ptr& error : errors) {
    if (error) std::rethrow_exception(error);
  }
  return examples;
}

StepLog train_step(VlmModel* model, const TrainSettings& settings, AdamWState* state) {
  return update_on_examples(model, settings, step_examples(model->config(), settings, state->step), state);
}

StepLog update_on_examples(VlmModel* model, const TrainSettings& settings, std::vector<NeedleExample> examples,
                           AdamWState* state) {
  const std::int64_t step = state->step, batch = settings.batch;
  if (static_cast<std::int64_t>(examples.size()) != batch) {
    throw InputError("a step takes " + std::to_string(batch) + " examples, got " + std::to_string(examples.size()));
  }
  std::vector<const VlmInput*> prompts;
  std::vector<PositionIds> positions;
  for (std::int64_t e = 0; e < batch; ++e) {
    const auto index = static_cast<std::uint64_t>(step * batch + e);
    NeedleExample& ex = examples[static_cast<std::size_t>(e)];
    const std::optional<PositionIds> scaled = training_positions(*model, settings, ex.input, index);
    positions.push_back(scaled ? *scaled : vlm_positions(model->method(), vlm_layout(model->config(), ex.input)));
    prompts.push_back(&ex.input);
  }
  const PackedBatch packed = pack_batch(prompts, positions);  // one forward and backward for the batch
  PrefillOptions options;
  options.positions = packed.positions;
  options.segments = packed.segments;
  const std::int64_t counted = counted_targets(shifted_targets(packed.input.labels, packed.segments));
  TensorMap gradients = zero_gradients(model->tensors());
  const CrossEntropy ce = add_prompt_gradients(*model, packed.input, packed.input.labels,
                                               static_cast<double>(counted), &gradients, options);
  StepLog log;
  log.step = step;
  log.loss = ce.loss_sum / static_cast<double>(counted);
  log.accuracy = static_cast<double>(ce.correct) / static_cast<double>(counted);
  log.learning_rate = learning_rate(settings.schedule, step);
  log.grad_norm = clip_gradient_norm(settings.clip_norm, &gradients);
  log.tokens = static_cast<std::int64_t>(packed.input.input_ids.size());
  adamw_step(settings.adamw, log.learning_rate, gradients, &model->weights_for_update(), state);
  return log;
}

}  // namespace hopelab
