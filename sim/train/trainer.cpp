#include "sim/train/trainer.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <string>
#include <utility>

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

std::int64_t parameter_count(const TensorMap& tensors) {
  std::int64_t n = 0;
  for (const auto& [name, t] : tensors) n += t.numel();
  return n;
}

// gradients[0] += gradients[1] + ... in group order, each value summed the same way whatever
// the thread count. gradients: G maps of the same names and shapes.
void sum_into_first(std::vector<TensorMap>* gradients) {
  TensorMap& total = gradients->front();
  for (auto& [name, t] : total) {
    float* out = t.data.data();
    const auto n = static_cast<std::int64_t>(t.data.size());
    std::vector<const float*> parts;
    for (std::size_t g = 1; g < gradients->size(); ++g) parts.push_back((*gradients)[g].at(name).data.data());
#pragma omp parallel for simd schedule(static) if (n >= (std::int64_t{1} << 16))
    for (std::int64_t k = 0; k < n; ++k) {
      for (const float* part : parts) out[k] += part[k];
    }
  }
}

}  // namespace

std::int64_t gradient_groups(std::int64_t batch, std::int64_t parameters) {
  const std::int64_t by_memory = kGroupGradientBytes / (4 * std::max<std::int64_t>(parameters, 1));
  return std::max<std::int64_t>(1, std::min({batch, kMaxGradientGroups, by_memory}));
}

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

BatchGradients batch_gradients(const VlmModel& model, const TrainSettings& settings,
                               const std::vector<NeedleExample>& examples, std::int64_t step, std::int64_t groups) {
  const auto batch = static_cast<std::int64_t>(examples.size());
  if (groups < 1 || groups > batch) {
    throw InputError(std::to_string(batch) + " examples do not split into " + std::to_string(groups) + " groups");
  }
  BatchGradients out;
  std::vector<PackedBatch> packed(static_cast<std::size_t>(groups));
  for (std::int64_t g = 0; g < groups; ++g) {  // group g: examples [g B / G, (g + 1) B / G)
    std::vector<const VlmInput*> prompts;
    std::vector<PositionIds> positions;
    for (std::int64_t e = g * batch / groups; e < (g + 1) * batch / groups; ++e) {
      const auto index = static_cast<std::uint64_t>(step * batch + e);
      const VlmInput& input = examples[static_cast<std::size_t>(e)].input;
      const std::optional<PositionIds> scaled = training_positions(model, settings, input, index);
      positions.push_back(scaled ? *scaled : vlm_positions(model.method(), vlm_layout(model.config(), input)));
      prompts.push_back(&input);
    }
    PackedBatch& p = packed[static_cast<std::size_t>(g)];
    p = pack_batch(prompts, positions);
    out.counted += counted_targets(shifted_targets(p.input.labels, p.segments));
    out.tokens += static_cast<std::int64_t>(p.input.input_ids.size());
  }
  if (out.counted == 0) throw InputError("the batch's labels count no position");

  std::vector<TensorMap> gradients(static_cast<std::size_t>(groups));
  std::vector<CrossEntropy> losses(static_cast<std::size_t>(groups));
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(groups));  // rethrown outside the threads
  // One group per thread; the ops inside a group then run on that thread alone (nested regions
  // are inactive). With one group the ops themselves spread over the threads.
#pragma omp parallel for schedule(dynamic, 1) if (groups > 1)
  for (std::int64_t g = 0; g < groups; ++g) {
    const auto i = static_cast<std::size_t>(g);
    try {
      PrefillOptions options;
      options.positions = packed[i].positions;
      options.segments = packed[i].segments;
      gradients[i] = zero_gradients(model.tensors());
      // Every group's loss is normalised by the whole batch's count: the sum is the batch mean's.
      losses[i] = add_prompt_gradients(model, packed[i].input, packed[i].input.labels,
                                       static_cast<double>(out.counted), &gradients[i], options);
    } catch (...) {
      errors[i] = std::current_exception();
    }
  }
  for (const std::exception_ptr& error : errors) {
    if (error) std::rethrow_exception(error);
  }
  sum_into_first(&gradients);
  out.gradients = std::move(gradients.front());
  for (const CrossEntropy& ce : losses) {  // in group order
    out.loss_sum += ce.loss_sum;
    out.correct += ce.correct;
  }
  return out;
}

StepLog update_on_examples(VlmModel* model, const TrainSettings& settings, std::vector<NeedleExample> examples,
                           AdamWState* state) {
  const std::int64_t step = state->step, batch = settings.batch;
  if (static_cast<std::int64_t>(examples.size()) != batch) {
    throw InputError("a step takes " + std::to_string(batch) + " examples, got " + std::to_string(examples.size()));
  }
  BatchGradients b =
      batch_gradients(*model, settings, examples, step, gradient_groups(batch, parameter_count(model->tensors())));
  StepLog log;
  log.step = step;
  log.loss = b.loss_sum / static_cast<double>(b.counted);
  log.accuracy = static_cast<double>(b.correct) / static_cast<double>(b.counted);
  log.learning_rate = learning_rate(settings.schedule, step);
  log.grad_norm = clip_gradient_norm(settings.clip_norm, &b.gradients);
  log.tokens = b.tokens;
  adamw_step(settings.adamw, log.learning_rate, b.gradients, &model->weights_for_update(), state);
  return log;
}

}  // namespace hopelab
