// The trainer (sim/train/trainer.h) on the needle task: examples are reproducible and
// well-formed; a step is bit-identical for 1 and 2 threads; training reaches a held-out loss
// that a model ignoring the video cannot (below half of ln K: without the needle the best answer
// is uniform over the K classes, loss ln K), and a broken trainer (gradient ascent) does not.

#include "sim/train/trainer.h"

#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "sim/train/cross_entropy.h"
#include "sim/train/frame_stride.h"
#include "sim/train/needle_score.h"
#include "sim/train/packed_batch.h"
#include "sim/vlm/logit_tolerance.h"
#include "sim/vlm/presets.h"
#include "sim/vlm/random_weights.h"
#include "sim/vlm/vlm_positions.h"

#include "../../worst_element.h"

namespace hopelab {
namespace {

VlmModel needle_model(const std::string& method, std::uint64_t seed) {
  const VlmConfig c = vlm_preset("needle");
  VlmRotary rotary;
  rotary.method = method;
  return VlmModel(c, random_weights(c, seed), rotary);
}

TrainSettings short_run(std::int64_t steps) {
  TrainSettings s;
  s.steps = steps;
  s.batch = 16;
  s.schedule = LearningRateSchedule{3e-3, 0.1, 10, steps};
  s.task.min_frames = 4;
  s.task.max_frames = 8;
  s.task.seed = 5;
  return s;
}

TEST(NeedleTask, ExamplesAreReproducibleAndWellFormed) {
  const VlmConfig c = vlm_preset("needle");
  NeedleTask task;
  task.seed = 3;
  const NeedleExample a = needle_example(c, task, 17), b = needle_example(c, task, 17);
  EXPECT_EQ(a.input.input_ids, b.input.input_ids);
  EXPECT_EQ(a.input.pixel_values_videos.data, b.input.pixel_values_videos.data);
  EXPECT_GE(a.frames, task.min_frames);
  EXPECT_LE(a.frames, task.max_frames);
  EXPECT_NO_THROW(vlm_layout(c, a.input));
  // Only the answer is counted, and the question's logits predict it.
  const auto& labels = a.input.labels;
  for (std::size_t i = 0; i + 1 < labels.size(); ++i) EXPECT_EQ(labels[i], -100);
  EXPECT_EQ(labels.back(), a.needle_class);
  EXPECT_EQ(a.input.input_ids[a.input.input_ids.size() - 2], task.classes);
  // The needle frame is the class's pattern: equal in two examples of one class, noise elsewhere.
  const std::int64_t frame_values = a.input.pixel_values_videos.numel() / a.frames;
  for (std::uint64_t i = 0; i < 64; ++i) {
    const NeedleExample other = needle_example(c, task, 100 + i);
    if (other.needle_class != a.needle_class) continue;
    const float* x = a.input.pixel_values_videos.data.data() + a.needle_frame * frame_values;
    const float* y = other.input.pixel_values_videos.data.data() + other.needle_frame * frame_values;
    EXPECT_TRUE(std::equal(x, x + frame_values, y));
    const float* noise = other.input.pixel_values_videos.data.data() + ((other.needle_frame + 1) % other.frames) * frame_values;
    EXPECT_FALSE(std::equal(x, x + frame_values, noise));
    return;
  }
  ADD_FAILURE() << "no second example of class " << a.needle_class << " in 64 draws";
}

// A packed batch's logits are each prompt's own: every row within twice the float32 bound of
// sim/vlm/logit_tolerance.h of the prompt's separate prefill (each is within one bound of exact).
TEST(PackedBatch, EachSequenceSeesOnlyItselfAtItsOwnPositions) {
  const VlmModel model = needle_model("hope", 4);
  const VlmConfig& c = model.config();
  NeedleTask task;
  task.min_frames = 2;
  task.max_frames = 6;
  std::vector<NeedleExample> examples;
  std::vector<const VlmInput*> prompts;
  std::vector<PositionIds> positions;
  for (std::uint64_t i = 0; i < 3; ++i) examples.push_back(needle_example(c, task, i));
  for (const NeedleExample& e : examples) {
    prompts.push_back(&e.input);
    positions.push_back(vlm_positions(model.method(), vlm_layout(c, e.input)));
  }
  const PackedBatch packed = pack_batch(prompts, positions);
  PrefillOptions options;
  options.positions = packed.positions;
  options.segments = packed.segments;
  const std::vector<float> all = model.prefill(packed.input, nullptr, options);
  std::int64_t row = 0;
  test::WorstElement worst;
  for (const NeedleExample& e : examples) {
    const std::vector<float> own = model.prefill(e.input);
    double scale = 0.0;
    for (float z : own) scale = std::max(scale, static_cast<double>(std::fabs(z)));
    const auto length = static_cast<std::int64_t>(e.input.input_ids.size());
    const std::int64_t patches = e.input.video_grid_thw[0].h * e.input.video_grid_thw[0].w;
    const double tol = 2 * logit_tolerance(c, patches, length, scale);
    for (std::int64_t k = 0; k < length * c.vocab_size; ++k) {
      worst.consider(row * c.vocab_size + k, own[static_cast<std::size_t>(k)],
                     all[static_cast<std::size_t>(row * c.vocab_size + k)], tol);
    }
    row += length;
  }
  EXPECT_TRUE(worst.ok()) << worst.message();
  // Twin: the same rows packed without segments attend across prompts and must differ.
  options.segments.clear();
  const std::vector<float> leaky = model.prefill(packed.input, nullptr, options);
  test::WorstElement twin;
  const std::vector<float> last = model.prefill(examples.back().input);
  const std::int64_t first_row = row - static_cast<std::int64_t>(examples.back().input.input_ids.size());
  for (std::size_t k = 0; k < last.size(); ++k) {
    twin.consider(static_cast<std::int64_t>(k), last[k], leaky[static_cast<std::size_t>(first_row * c.vocab_size) + k],
                  2 * logit_tolerance(c, 16, row, 10.0));
  }
  EXPECT_FALSE(twin.ok()) << "unsegmented packing must change the last prompt's logits";
  // The loss shifts labels within each sequence: the row before a prompt's start predicts nothing.
  const std::vector<std::int64_t> targets = shifted_targets(packed.input.labels, packed.segments);
  EXPECT_EQ(counted_targets(targets), 3);
}

TEST(Trainer, StepsAreBitIdenticalForOneAndTwoThreads) {
  const TrainSettings s = short_run(2);
  std::vector<TensorMap> after;
  for (int threads : {1, 2}) {
    omp_set_num_threads(threads);
    VlmModel model = needle_model("hope", 1);
    AdamWState state = adamw_state(model.tensors());
    for (int step = 0; step < 2; ++step) train_step(&model, s, &state);
    after.push_back(model.tensors());
  }
  omp_set_num_threads(2);
  for (const auto& [name, t] : after[0]) EXPECT_EQ(t.data, after[1].at(name).data) << name;
}

// Grouping changes only the order of float32 sums. Each gradient value is a sum over the batch's
// rows of per-row products that are the same in every grouping, so two groupings differ by at most
// 2 (n - 1) u sum_r |c_r| (two summation orders, n <= rows terms, u = 2^-24). The per-row terms
// are not observable here; the bound used is 2 n u times the tensor's largest |gradient| times a
// cancellation allowance of 16 (9e-4 of the largest value for this 450-row batch). The
// twin shows the check has teeth: normalising each group by its own count instead of the batch's
// is 4x off; dropping one of two groups leaves half of every sum.
TEST(Trainer, GroupsOfTheBatchSumToTheSameGradients) {
  const TrainSettings s = short_run(1);
  const VlmModel model = needle_model("hope", 2);
  std::vector<NeedleExample> examples = step_examples(model.config(), s, 0);
  const BatchGradients one = batch_gradients(model, s, examples, 0, 1);
  const double bound_per_max = 2.0 * static_cast<double>(one.tokens) * 0x1p-24 * 16;
  for (std::int64_t groups : {2, 4, 16}) {
    const BatchGradients split = batch_gradients(model, s, examples, 0, groups);
    EXPECT_EQ(split.counted, one.counted);
    EXPECT_EQ(split.correct, one.correct);
    EXPECT_EQ(split.tokens, one.tokens);
    EXPECT_NEAR(split.loss_sum, one.loss_sum, 1e-9 * one.loss_sum) << groups;  // double sums of equal terms
    double worst = 0.0;
    for (const auto& [name, t] : one.gradients) {
      double largest = 0.0, diff = 0.0;
      const std::vector<float>& other = split.gradients.at(name).data;
      for (std::size_t k = 0; k < t.data.size(); ++k) {
        largest = std::max(largest, static_cast<double>(std::fabs(t.data[k])));
        diff = std::max(diff, std::fabs(static_cast<double>(t.data[k]) - other[k]));
      }
      if (largest > 0) worst = std::max(worst, diff / largest);
      EXPECT_LE(diff, bound_per_max * largest) << name << " in " << groups << " groups";
    }
    std::printf("%lld groups: largest difference %.3g of a tensor's largest value (bound %.3g)\n",
                static_cast<long long>(groups), worst, bound_per_max);
  }
  // Twin: the batch with its second group of two dropped (the first half's gradients, which are
  // normalised by the half's count, rescaled to the whole batch's) must fail the same bound.
  std::vector<NeedleExample> half(examples.begin(), examples.begin() + 8);
  const BatchGradients dropped = batch_gradients(model, s, half, 0, 1);
  const double rescale = static_cast<double>(dropped.counted) / static_cast<double>(one.counted);
  bool any_outside = false;
  for (const auto& [name, t] : one.gradients) {
    double largest = 0.0, diff = 0.0;
    for (std::size_t k = 0; k < t.data.size(); ++k) {
      largest = std::max(largest, static_cast<double>(std::fabs(t.data[k])));
      diff = std::max(diff, std::fabs(t.data[k] - rescale * dropped.gradients.at(name).data[k]));
    }
    any_outside = any_outside || diff > bound_per_max * largest;
  }
  EXPECT_TRUE(any_outside) << "half a batch passed as the whole";
  EXPECT_ANY_THROW(batch_gradients(model, s, examples, 0, 17));
}

TEST(Trainer, DtsPlacesEachVideoWithItsGamma) {
  TrainSettings s = short_run(1);
  s.dts_gammas = {0.5, 2.0};
  const VlmModel model = needle_model("hope", 1);
  const NeedleExample ex = needle_example(model.config(), s.task, 0);
  bool saw[2] = {false, false};
  for (std::uint64_t i = 0; i < 32; ++i) {
    const PositionIds p = *training_positions(model, s, ex.input, i);
    const double step = p.t[2 + 4] - p.t[2];  // frame 1 minus frame 0 (video from row 2, 4 tokens a frame)
    EXPECT_TRUE(step == 0.5 || step == 2.0) << step;
    saw[step == 2.0] = true;
  }
  EXPECT_TRUE(saw[0] && saw[1]);
  s.dts_gammas.clear();
  EXPECT_FALSE(training_positions(model, s, ex.input, 0).has_value());
}

// Frame strides: positions written out by hand for a 1D design (vanilla: tokens in order, the
// skipped frames' tokens leave gaps) and Qwen2-VL's (mrope: frame f at t = start + s f; the text
// after resumes at the longer video's largest coordinate + 1).
TEST(FrameStride, PlacesFramesAsEverySthFrameOfALongerVideo) {
  const Layout layout = parse_layout("text:2,video:3x1x2,text:2");
  const VlmConfig c = vlm_preset("needle");
  VlmRotary vanilla;
  vanilla.method = "vanilla";
  const Method flat = language_method(c, vanilla);
  const PositionIds p = strided_positions(flat, layout, 3);
  // text 0 1 | frame 0 at 2 3, frame 1 at 2 + 3*2 = 8 9, frame 2 at 14 15 | text at 2 + 7*2 = 16 17
  const std::vector<double> want = {0, 1, 2, 3, 8, 9, 14, 15, 16, 17};
  EXPECT_EQ(p.t, want);
  EXPECT_EQ(p.h, want);
  VlmRotary mrope;
  mrope.method = "mrope";
  const PositionIds q = strided_positions(language_method(c, mrope), layout, 3);
  // Qwen2-VL: text 0 1; frames t = 2 + 3 f, h = 2, w = 2, 3; the longer video spans t 2..8, so
  // the text after resumes at 9.
  const std::vector<double> t = {0, 1, 2, 2, 5, 5, 8, 8, 9, 10};
  const std::vector<double> w = {0, 1, 2, 3, 2, 3, 2, 3, 9, 10};
  EXPECT_EQ(q.t, t);
  EXPECT_EQ(q.w, w);
  const PositionIds same = strided_positions(flat, layout, 1);  // stride 1: the layout's own
  EXPECT_EQ(same.t, vlm_positions(flat, layout).t);
}

TEST(Trainer, RefusesBadSettings) {
  const VlmModel model = needle_model("mrope", 1);
  TrainSettings s = short_run(20);
  s.dts_gammas = {0.5};
  EXPECT_ANY_THROW(check_train_settings(s, model));  // mrope has no temporal step
  s = short_run(20);
  s.schedule.peak = 0;
  EXPECT_ANY_THROW(check_train_settings(s, model));
  s = short_run(20);
  s.task.classes = 40;  // beyond the 32-id vocabulary
  EXPECT_ANY_THROW(check_train_settings(s, model));
  s = short_run(20);
  s.schedule.warmup = s.steps;  // warm-up must end before the run does: [0, steps)
  EXPECT_ANY_THROW(check_train_settings(s, model));
  s.schedule.warmup = s.steps - 1;  // the last step after warm-up: accepted
  EXPECT_NO_THROW(check_train_settings(s, model));
  EXPECT_NO_THROW(check_train_settings(short_run(20), model));
}

// Trains, returns the held-out loss (examples far from the training ones).
double held_out_loss(double rate_sign) {
  TrainSettings s = short_run(120);
  s.schedule.peak *= rate_sign;  // -1: gradient ascent, the broken twin (unchecked on purpose)
  VlmModel model = needle_model("hope", 2);
  AdamWState state = adamw_state(model.tensors());
  for (std::int64_t step = 0; step < s.steps; ++step) train_step(&model, s, &state);
  return score_needle(model, s.task, std::uint64_t{1} << 40, 64).loss;
}

TEST(Trainer, LearnsTheNeedleAndAnAscendingTwinDoesNot) {
  const double chance = std::log(8.0);  // ln K: the best loss without reading the needle
  const double trained = held_out_loss(1.0);
  EXPECT_LT(trained, 0.5 * chance) << "held-out loss after 120 steps";
  std::printf("held-out loss %.4f (chance ln 8 = %.4f)\n", trained, chance);
  EXPECT_GT(held_out_loss(-1.0), 0.5 * chance) << "a trainer climbing the loss must not pass";
}

}  // namespace
}  // namespace hopelab
