#include "kinds/vlm_niah.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "kinds/kind_support.h"
#include "sim/train/needle_grid.h"
#include "sim/train/own_preference.h"
#include "sim/train/trainer.h"
#include "sim/vlm/presets.h"
#include "sim/vlm/random_weights.h"
#include "theory/binomial.h"
#include "theory/input_error.h"
#include "vlm/checkpoint.h"

namespace hopelab::kinds {

namespace {

// What check and compute share: the model's config (and a loaded checkpoint's weights), the
// training settings and the evaluation grid.
struct Prepared {
  VlmConfig config;
  TensorMap weights;  // the checkpoint's; empty when the unit trains
  TrainSettings training;
  NeedleGrid grid;
};

std::int64_t whole_frames(double x, const char* what) {
  if (!(x >= 1 && x <= 65536) || x != std::floor(x)) {
    throw InputError(std::string(what) + " must be whole numbers of frames in [1, 65536], got " + params::value_text(x));
  }
  return static_cast<std::int64_t>(x);
}

Prepared prepare(const VlmNiahSettings& s, std::uint64_t seed) {
  Prepared p;
  if (!s.model.empty()) {
    Checkpoint c;
    try {
      c = load_checkpoint(s.model);
    } catch (const InputError& e) {
      throw InputError(std::string("model: ") + e.what());
    }
    p.config = c.config;
    p.weights = std::move(c.weights);
  } else {
    const std::vector<std::string>& presets = vlm_preset_names();
    if (std::find(presets.begin(), presets.end(), s.preset) == presets.end()) {
      throw InputError("preset must be one of tiny, needle, base100m, got '" + s.preset + "'");
    }
    p.config = vlm_preset(s.preset);
  }
  TrainSettings& t = p.training;
  t.steps = s.steps;
  t.batch = s.batch;
  t.schedule.peak = s.learning_rate;
  t.schedule.warmup = s.warmup;
  t.schedule.total = s.steps;
  t.adamw.weight_decay = s.weight_decay;
  // AdamW's decoupled decay multiplies every weight by 1 - learning_rate x weight_decay per step.
  if (s.learning_rate * s.weight_decay > 1.0) {
    throw InputError("weight_decay " + params::number_name(s.weight_decay) + " x learning_rate " +
                     params::number_name(s.learning_rate) + " must be <= 1 (each step scales the weights by 1 - "
                     "their product)");
  }
  t.dts_gammas = s.dts;
  t.dts_seed = seed;
  t.max_frame_stride = s.frame_stride;
  if (s.train_max_frames < s.train_min_frames) {
    throw InputError("train_max_frames must be >= train_min_frames = " + std::to_string(s.train_min_frames) +
                     ", got " + std::to_string(s.train_max_frames));
  }
  t.task.min_frames = s.train_min_frames;
  t.task.max_frames = s.train_max_frames;
  t.task.grid_height = s.grid_height;
  t.task.grid_width = s.grid_width;
  if (s.classes > 1 << 20) throw InputError("classes = " + std::to_string(s.classes) + " is above 2^20");
  t.task.classes = static_cast<int>(s.classes);
  t.task.seed = seed;
  t.task.variant = parse_needle_variant(s.task, "task");
  t.task.noise_level = s.noise_level;
  for (double f : s.lengths) p.grid.frames.push_back(whole_frames(f, "lengths"));
  p.grid.depths = s.depths;
  p.grid.examples = s.examples;
  p.grid.attention_examples = s.attention_examples;
  return p;
}

// The model's rotary at test-time gamma `gamma` (none: the method's own).
VlmRotary rotary_at(const VlmNiahSettings& s, std::optional<double> gamma) {
  params::VlmMethodParams method = s.method;
  if (gamma) method.method.gamma = gamma;
  return params::build_vlm_rotary(method);
}

// Checks without building a model (no weights drawn): the methods, training and the grid.
void check(const VlmNiahSettings& s, std::uint64_t seed) {
  const Prepared p = prepare(s, seed);
  const Method method = language_method(p.config, rotary_at(s, std::nullopt));
  if (s.model.empty()) check_train_settings(p.training, p.config, method);
  check_needle_grid(p.grid, p.training.task, p.config);
  for (double g : s.eval_gammas) language_method(p.config, rotary_at(s, g));
}

void compute(const VlmNiahSettings& s, std::uint64_t seed, results::RunRecord& r) {
  using namespace vlm_niah;
  Prepared p = prepare(s, seed);
  if (s.model.empty()) {
    VlmModel model(p.config, random_weights(p.config, seed), rotary_at(s, std::nullopt));
    check_train_settings(p.training, model);
    AdamWState state = adamw_state(model.tensors());
    std::vector<double> loss, accuracy;
    while (state.step < p.training.steps) {
      const StepLog log = train_step(&model, p.training, &state);
      loss.push_back(log.loss);
      accuracy.push_back(log.accuracy);
    }
    p.weights = model.tensors();
    r.datasets.push_back(numbers(kTrainLoss, loss));
    r.datasets.push_back(numbers(kTrainAccuracy, accuracy));
  }

  std::vector<std::optional<double>> gammas;
  for (double g : s.eval_gammas) gammas.emplace_back(g);
  if (gammas.empty()) gammas.emplace_back(std::nullopt);
  const auto g_count = static_cast<std::int64_t>(gammas.size());
  std::vector<double> gamma_values, acc, low, high, loss, mass, mean, beyond, preference;
  std::vector<std::int64_t> frames, needle_frame, correct, first_negative;
  // The theory's prompt: one video of the longest length, an example index no training run or
  // evaluation cell uses.
  const std::int64_t longest = *std::max_element(p.grid.frames.begin(), p.grid.frames.end());
  const VlmInput theory_prompt =
      needle_example_at(p.config, p.training.task, kEvaluationFirstIndex - 1, longest, 0).input;
  std::vector<std::int64_t> apart;
  for (std::int64_t f = 1; f < std::max<std::int64_t>(longest, 2); ++f) apart.push_back(f);
  std::vector<double> depth;
  std::int64_t cell_count = 0;
  for (const std::optional<double>& g : gammas) {
    const VlmModel model(p.config, p.weights, rotary_at(s, g));
    gamma_values.push_back(model.method().design.temporal_step);
    const std::vector<NeedleCell> cells = evaluate_needle_grid(model, p.training.task, p.grid);
    const OwnPreference own = own_preference(model, theory_prompt, s.grid_height, s.grid_width, apart);
    preference.insert(preference.end(), own.value.begin(), own.value.end());
    first_negative.insert(first_negative.end(), own.first_negative.begin(), own.first_negative.end());
    cell_count = static_cast<std::int64_t>(cells.size());
    std::int64_t right = 0, all = 0, right_beyond = 0, all_beyond = 0;
    for (const NeedleCell& c : cells) {
      if (frames.size() < cells.size()) {
        frames.push_back(c.frames);
        depth.push_back(c.depth);
        needle_frame.push_back(c.needle_frame);
      }
      const ProportionInterval interval = wilson_interval(c.correct, c.examples);
      correct.push_back(c.correct);
      acc.push_back(static_cast<double>(c.correct) / static_cast<double>(c.examples));
      low.push_back(interval.low);
      high.push_back(interval.high);
      loss.push_back(c.loss);
      mass.insert(mass.end(), c.needle_mass.begin(), c.needle_mass.end());
      right += c.correct;
      all += c.examples;
      if (c.frames > s.train_max_frames) {
        right_beyond += c.correct;
        all_beyond += c.examples;
      }
    }
    mean.push_back(static_cast<double>(right) / static_cast<double>(all));
    beyond.push_back(all_beyond > 0 ? static_cast<double>(right_beyond) / static_cast<double>(all_beyond)
                                    : std::numeric_limits<double>::quiet_NaN());
  }
  const std::int64_t layers = p.config.num_hidden_layers, heads = p.config.num_attention_heads;
  r.datasets.push_back(integers(kFrames, frames));
  r.datasets.push_back(numbers(kDepth, depth));
  r.datasets.push_back(integers(kNeedleFrame, needle_frame));
  r.datasets.push_back(numbers(kEvalGamma, gamma_values));
  r.datasets.push_back(integers(kCorrect, correct, nullptr, {g_count, cell_count}));
  r.datasets.push_back(numbers(kAccuracy, acc, {g_count, cell_count}));
  r.datasets.push_back(numbers(kAccuracyLow, low, {g_count, cell_count}));
  r.datasets.push_back(numbers(kAccuracyHigh, high, {g_count, cell_count}));
  r.datasets.push_back(numbers(kLoss, loss, {g_count, cell_count}));
  r.datasets.push_back(numbers(kNeedleMass, mass, {g_count, cell_count, layers, heads}));
  r.datasets.push_back(numbers(kMeanAccuracy, mean));
  r.datasets.push_back(numbers(kBeyondAccuracy, beyond));
  const auto m = static_cast<std::int64_t>(apart.size());
  r.datasets.push_back(integers(kPreferenceFramesApart, apart));
  r.datasets.push_back(numbers(kOwnPreference, preference, {g_count, layers, heads, m}));
  r.datasets.push_back(integers(kFirstNegative, first_negative, nullptr, {g_count, layers, heads}));
}

// Measured with the needle preset (docs/perf.md): about 5e-5 s per training token (forward and
// backward) and 2e-5 s per evaluated token, scaled by hidden^2 x layers for larger presets.
double cost(const VlmNiahSettings& s) {
  const VlmConfig c = vlm_preset(s.model.empty() ? s.preset : "needle");
  const VlmConfig needle = vlm_preset("needle");
  const double size = static_cast<double>(c.hidden_size) * c.hidden_size * c.num_hidden_layers /
                      (static_cast<double>(needle.hidden_size) * needle.hidden_size * needle.num_hidden_layers);
  const double frame_tokens = static_cast<double>(s.grid_height) * static_cast<double>(s.grid_width);
  const double train = s.model.empty() ? static_cast<double>(s.steps) * static_cast<double>(s.batch) *
                                             static_cast<double>(s.train_min_frames + s.train_max_frames) / 2
                                       : 0.0;
  double frames = 0.0;
  for (double f : s.lengths) frames += f;
  const double gammas = s.eval_gammas.empty() ? 1.0 : static_cast<double>(s.eval_gammas.size());
  const double evaluated = gammas * static_cast<double>(s.examples) * static_cast<double>(s.depths.size()) * frames;
  return size * frame_tokens * (5e-5 * train + 2e-5 * evaluated);
}

}  // namespace

const Kind& vlm_niah_kind() {
  using namespace vlm_niah;
  static const KindOf<VlmNiahSettings> kind(
      "vlm-niah", "V-NIAH: train the VLM on the needle task (or load it), then accuracy over lengths x depths",
      {}, {kTrainLoss, kTrainAccuracy, kFrames, kDepth, kNeedleFrame, kEvalGamma, kCorrect, kAccuracy, kAccuracyLow,
           kAccuracyHigh, kLoss, kNeedleMass, kMeanAccuracy, kBeyondAccuracy, kPreferenceFramesApart, kOwnPreference,
           kFirstNegative},
      check, compute, nullptr, nullptr, cost);
  return kind;
}

}  // namespace hopelab::kinds
