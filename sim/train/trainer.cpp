#include "sim/train/trainer.h"

#include <cmath>
#include <cstdio>
#include <exception>
#include <string>

#include "kernels/uniform_index.h"
#include "sim/train/gradient_views.h"
#include "sim/train/model_gradients.h"
#include "sim/vlm/vlm_positions.h"
#include "theory/input_error.h"

namespace hopelab {
namespace {

constexpr std::uint32_t kGammaStream = 0;

void require(bool ok, const std::string& what) {
  if (!ok) throw InputError(what);
}

std::string text(double x) {
  char s[32];
  std::snprintf(s, sizeof s, "%.17g", x);
  return s;
}

}  // namespace

void check_train_settings(const TrainSettings& s, const VlmModel& model) {
  require(s.steps >= 1 && s.steps <= 1000000000, "steps = " + std::to_string(s.steps) + " is outside [1, 10^9]");
  require(s.batch >= 1 && s.batch <= 65536, "batch = " + std::to_string(s.batch) + " is outside [1, 65536]");
  require(std::isfinite(s.schedule.peak) && s.schedule.peak > 0 && s.schedule.peak <= 1,
          "learning rate = " + text(s.schedule.peak) + " is outside (0, 1]");
  require(s.schedule.min_ratio >= 0 && s.schedule.min_ratio <= 1,
          "min_lr_ratio = " + text(s.schedule.min_ratio) + " is outside [0, 1]");
  require(s.schedule.warmup >= 0 && s.schedule.warmup < s.steps,
          "warmup = " + std::to_string(s.schedule.warmup) + " is outside [0, steps)");
  require(s.schedule.total == s.steps, "the schedule's total must be the run's steps");
  require(s.adamw.beta1 >= 0 && s.adamw.beta1 < 1, "beta1 = " + text(s.adamw.beta1) + " is outside [0, 1)");
  require(s.adamw.beta2 >= 0 && s.adamw.beta2 < 1, "beta2 = " + text(s.adamw.beta2) + " is outside [0, 1)");
  require(s.adamw.eps > 0 && std::isfinite(s.adamw.eps), "eps = " + text(s.adamw.eps) + " is not positive");
  require(s.adamw.weight_decay >= 0 && std::isfinite(s.adamw.weight_decay),
          "weight_decay = " + text(s.adamw.weight_decay) + " is negative");
  require(std::isfinite(s.clip_norm), "clip_norm = " + text(s.clip_norm) + " is not finite");
  for (double g : s.dts_gammas) {
    require(std::isfinite(g) && g > 0, "DTS gamma = " + text(g) + " is not positive");
  }
  require(s.dts_gammas.empty() || model.method().design.kind == DesignKind::diagonal,
          "DTS scales a temporal step, which method " + model.method().name +
              " does not have (diagonal designs: videorope, hope)");
  check_needle_task(s.task, model.config());
}

std::optional<PositionIds> training_positions(const VlmModel& model, const TrainSettings& settings,
                                              const VlmInput& input, std::uint64_t index) {
  if (settings.dts_gammas.empty()) return std::nullopt;
  const std::uint64_t pick = uniform_index(settings.dts_gammas.size(), settings.dts_seed, kGammaStream, index, 0);
  Method scaled = model.method();
  scaled.design.temporal_step = settings.dts_gammas[pick];  // gamma for this video
  return vlm_positions(scaled, vlm_layout(model.config(), input));
}

StepLog train_step(VlmModel* model, const TrainSettings& settings, AdamWState* state) {
  const std::int64_t step = state->step, batch = settings.batch;
  std::vector<NeedleExample> examples(static_cast<std::size_t>(batch));
  std::vector<TensorMap> gradients(static_cast<std::size_t>(batch));
  std::vector<CrossEntropy> losses(static_cast<std::size_t>(batch));
  std::int64_t counted = 0, tokens = 0;
  for (std::int64_t e = 0; e < batch; ++e) {
    const auto i = static_cast<std::size_t>(e);
    examples[i] = needle_example(model->config(), settings.task, static_cast<std::uint64_t>(step * batch + e));
    counted += counted_targets(shifted_targets(examples[i].input.labels));
    tokens += static_cast<std::int64_t>(examples[i].input.input_ids.size());
  }
  const VlmModel& m = *model;
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(batch));  // none leaves the parallel loop
#pragma omp parallel for schedule(dynamic, 1)
  for (std::int64_t e = 0; e < batch; ++e) {  // each example's gradient on its own
    const auto i = static_cast<std::size_t>(e);
    try {
      PrefillOptions options;
      options.positions =
          training_positions(m, settings, examples[i].input, static_cast<std::uint64_t>(step * batch + e));
      gradients[i] = zero_gradients(m.tensors());
      losses[i] = add_prompt_gradients(m, examples[i].input, examples[i].input.labels, static_cast<double>(counted),
                                       &gradients[i], options);
    } catch (...) {
      errors[i] = std::current_exception();
    }
  }
  for (const std::exception_ptr& error : errors) {
    if (error) std::rethrow_exception(error);
  }
  TensorMap& sum = gradients.front();  // summed in example order
  double loss_sum = losses.front().loss_sum;
  std::int64_t correct = losses.front().correct;
  for (std::size_t i = 1; i < gradients.size(); ++i) {
    for (auto& [name, t] : sum) {
      const std::vector<float>& add = gradients[i].at(name).data;
      for (std::size_t k = 0; k < t.data.size(); ++k) t.data[k] += add[k];
    }
    loss_sum += losses[i].loss_sum;
    correct += losses[i].correct;
  }
  StepLog log;
  log.step = step;
  log.loss = loss_sum / static_cast<double>(counted);
  log.accuracy = static_cast<double>(correct) / static_cast<double>(counted);
  log.learning_rate = learning_rate(settings.schedule, step);
  log.grad_norm = clip_gradient_norm(settings.clip_norm, &sum);
  log.tokens = tokens;
  adamw_step(settings.adamw, log.learning_rate, sum, &model->weights_for_update(), state);
  return log;
}

}  // namespace hopelab
