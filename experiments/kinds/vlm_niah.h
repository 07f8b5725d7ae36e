#pragma once
// kind "vlm-niah": the V-NIAH experiment's unit (docs/vlm.md "Training"). Trains the VLM from a
// preset's random weights (seeded by the unit's seed) on the needle task with the method, its
// DTS set and frame stride, or takes a trained checkpoint (`model`); then evaluates it on a grid
// of haystack lengths x needle depths (sim/train/needle_grid.h) at each test-time gamma. The
// task's class patterns and the evaluation examples come from the seed too, so units with the
// same seed see the same data whatever their method: comparisons pair by seed. Beside accuracy,
// the theory of the trained model: the semantic preference of its own queries and keys along
// frames (sim/train/own_preference.h) and where it first turns negative.

#include "kinds/kind.h"
#include "params/vlm_method.h"

namespace hopelab::kinds {

struct VlmNiahSettings {
  params::VlmMethodParams method;
  std::string model;  // a checkpoint to evaluate; empty: train one
  std::string preset = "needle";
  std::optional<std::int64_t> seed;
  std::int64_t steps = 600, batch = 16;
  double learning_rate = 1e-3;
  std::int64_t warmup = 0;
  double weight_decay = 0.1;
  std::vector<double> dts;
  std::int64_t frame_stride = 1;
  std::int64_t train_min_frames = 4, train_max_frames = 16;
  std::int64_t grid_height = 2, grid_width = 2, classes = 8;
  std::string task = "plain";
  double noise_level = 1.0;
  std::vector<double> lengths = {4, 8, 16, 32, 64};
  std::vector<double> depths = {0, 0.25, 0.5, 0.75, 1};
  std::int64_t examples = 20;
  std::int64_t attention_examples = 4;
  std::vector<double> eval_gammas;
};

template <class V>
void visit_fields(VlmNiahSettings& s, V&& v) {
  using namespace params;
  visit_fields(s.method, v);
  v(Field{"model", "", words("a checkpoint directory"), "evaluate this trained model instead of training one"},
    s.model);
  v(Field{"preset", "", words("tiny, needle, base100m"), "model size to train (sim/vlm/presets.h)"}, s.preset);
  v(Field{"seed", "1", at_least(0), "initial weights, training data, class patterns, evaluation examples "
                                    "(default: [experiment] seed)"},
    s.seed);
  v(Field{"steps", "step", closed(1, 1e9), "AdamW steps"}, s.steps);
  v(Field{"batch", "example", closed(1, 65536), "examples per step"}, s.batch);
  v(Field{"learning_rate", "1", open(0, 1), "peak learning rate (cosine decay to a tenth)"}, s.learning_rate);
  v(Field{"warmup", "step", at_least(0), "steps of linear warm-up"}, s.warmup);
  v(Field{"weight_decay", "1", at_least(0), "AdamW's decoupled weight decay"}, s.weight_decay);
  v(Field{"dts", "1", above(0), "DTS: temporal scales drawn per training video (diagonal designs; default none)"},
    s.dts);
  v(Field{"frame_stride", "frame", closed(1, 1024),
          "the control: each training video at the positions of every s-th frame, s uniform in [1, this]"},
    s.frame_stride);
  v(Field{"train_min_frames", "frame", at_least(1), "fewest frames of a training video"}, s.train_min_frames);
  v(Field{"train_max_frames", "frame", at_least(1), "most frames of a training video"}, s.train_max_frames);
  v(Field{"grid_height", "token", closed(1, 256), "LLM tokens per frame, vertically"}, s.grid_height);
  v(Field{"grid_width", "token", closed(1, 256), "LLM tokens per frame, horizontally"}, s.grid_width);
  v(Field{"classes", "1", at_least(2), "needle classes K (chance accuracy 1/K)"}, s.classes);
  v(Field{"task", "", words("plain, marked, order"),
          "plain: the needle among noise; marked: every frame a class, the needle marked; order: two marked "
          "frames, the earlier one's class (sim/train/needle_task.h)"},
    s.task);
  v(Field{"noise_level", "1", closed(0, 100), "marked, order: the noise's standard deviation"}, s.noise_level);
  v(Field{"lengths", "frame", closed(1, 65536), "haystack lengths F of the evaluation grid"}, s.lengths);
  v(Field{"depths", "1", closed(0, 1), "needle depths: needle frame min(F - 1, floor(depth F))"}, s.depths);
  v(Field{"examples", "example", closed(1, 1e6), "examples per (length, depth) cell"}, s.examples);
  v(Field{"attention_examples", "example", closed(1, 1e6),
          "the first examples of a cell whose needle mass is measured (one more prefill per layer each)"},
    s.attention_examples);
  v(Field{"eval_gammas", "1", above(0), "test-time temporal scales gamma (hope; default: the method's own)"},
    s.eval_gammas);
}

namespace vlm_niah {
inline constexpr DatasetName kTrainLoss{"train_loss", "nat", "mean cross-entropy of each training step's batch"};
inline constexpr DatasetName kTrainAccuracy{"train_accuracy", "1", "fraction of each training batch answered right"};
inline constexpr DatasetName kFrames{"frames", "frame", "haystack length F of each cell, (C)"};
inline constexpr DatasetName kDepth{"depth", "1", "needle depth of each cell, (C)"};
inline constexpr DatasetName kNeedleFrame{"needle_frame", "frame", "the needle's frame index of each cell, (C)"};
inline constexpr DatasetName kEvalGamma{"eval_gamma", "1",
                                          "temporal step of the design in each evaluation (hope: gamma), (G)"};
inline constexpr DatasetName kCorrect{"correct", "example", "right answers per cell, (G, C)"};
inline constexpr DatasetName kAccuracy{"accuracy", "1", "fraction right per cell, (G, C)"};
inline constexpr DatasetName kAccuracyLow{"accuracy_low", "1", "95 % Wilson interval's lower end, (G, C)"};
inline constexpr DatasetName kAccuracyHigh{"accuracy_high", "1", "95 % Wilson interval's upper end, (G, C)"};
inline constexpr DatasetName kLoss{"loss", "nat", "mean -log p(answer) per cell, (G, C)"};
inline constexpr DatasetName kNeedleMass{"needle_mass", "1",
                                         "question token's attention weight on the needle frame, mean over a "
                                         "cell's attention_examples, (G, C, layers, heads)"};
inline constexpr DatasetName kMeanAccuracy{"mean_accuracy", "1", "accuracy over the whole grid (Table 4's), (G)"};
inline constexpr DatasetName kBeyondAccuracy{"beyond_accuracy", "1",
                                             "accuracy over the cells longer than train_max_frames, (G)"};
inline constexpr DatasetName kPreferenceFramesApart{"preference_frames_apart", "frame",
                                                    "Delta f of own_preference: 1 .. max(lengths) - 1, (M)"};
inline constexpr DatasetName kOwnPreference{"own_preference", "1",
                                            "semantic preference D(Delta f) of the model's own unrotated q and k "
                                            "(video rows of one longest prompt), (G, layers, heads, M)"};
inline constexpr DatasetName kFirstNegative{"first_negative", "frame",
                                            "the first Delta f where own_preference < 0, or -1, (G, layers, heads)"};
}  // namespace vlm_niah

const Kind& vlm_niah_kind();

}  // namespace hopelab::kinds
