// AdamW, clipping and the learning-rate schedule (sim/train/adamw.h, lr_schedule.h) against
// their formulas evaluated here in long double, step by step; twins: AdamW without bias
// correction, and torch's clip without its 1e-6, must differ.

#include "sim/train/adamw.h"
#include "sim/train/lr_schedule.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace hopelab {
namespace {

using LD = long double;

TensorMap one_tensor(std::vector<float> values) {
  TensorMap m;
  m["w"] = Tensor{{static_cast<std::int64_t>(values.size())}, std::move(values)};
  return m;
}

// p, m, v after `steps` AdamW steps with gradients grads[s] (long double, the formula of adamw.h).
struct Reference {
  std::vector<LD> p, m, v;
};
Reference reference_adamw(const AdamWSettings& a, const std::vector<double>& rates, std::vector<LD> p,
                          const std::vector<std::vector<float>>& grads, bool bias_correction) {
  Reference r{p, std::vector<LD>(p.size()), std::vector<LD>(p.size())};
  for (std::size_t s = 0; s < grads.size(); ++s) {
    const LD t = static_cast<LD>(s + 1);
    for (std::size_t i = 0; i < p.size(); ++i) {
      const LD g = grads[s][i];
      r.m[i] = a.beta1 * r.m[i] + (1 - a.beta1) * g;
      r.v[i] = a.beta2 * r.v[i] + (1 - a.beta2) * g * g;
      const LD mhat = bias_correction ? r.m[i] / (1 - std::pow(static_cast<LD>(a.beta1), t)) : r.m[i];
      const LD vhat = bias_correction ? r.v[i] / (1 - std::pow(static_cast<LD>(a.beta2), t)) : r.v[i];
      r.p[i] = r.p[i] * (1 - rates[s] * a.weight_decay) - rates[s] * mhat / (std::sqrt(vhat) + a.eps);
    }
  }
  return r;
}

TEST(AdamW, ThreeStepsMatchTheFormula) {
  AdamWSettings a;
  a.weight_decay = 0.1;
  const std::vector<float> start = {0.5f, -1.25f, 2.0f, 1e-3f};
  const std::vector<std::vector<float>> grads = {{0.1f, -0.2f, 3.0f, 0.0f}, {0.05f, 0.4f, -1.0f, 1e-4f},
                                                 {-0.3f, 0.1f, 0.5f, 2e-4f}};
  const std::vector<double> rates = {1e-2, 5e-3, 2.5e-3};
  TensorMap p = one_tensor(start);
  AdamWState state = adamw_state(p);
  for (std::size_t s = 0; s < grads.size(); ++s) adamw_step(a, rates[s], one_tensor(grads[s]), &p, &state);
  const Reference r = reference_adamw(a, rates, std::vector<LD>(start.begin(), start.end()), grads, true);
  const Reference twin = reference_adamw(a, rates, std::vector<LD>(start.begin(), start.end()), grads, false);
  EXPECT_EQ(state.step, 3);
  // Each step rounds p, m and v to float once (relative u = 2^-24 of each), and m, v carry
  // their rounding into the later steps: 3 steps x 3 roundings x a factor 2 for propagation.
  for (std::size_t i = 0; i < start.size(); ++i) {
    const LD scale = std::fabs(r.p[i]) + 3 * rates[0];
    const LD tol = 18 * 0x1p-24L * scale;
    EXPECT_LE(std::fabs(p["w"].data[i] - r.p[i]), tol) << "element " << i;
    EXPECT_LE(std::fabs(state.first_moment["w"].data[i] - r.m[i]), 18 * 0x1p-24L * std::fabs(r.m[i]) + 1e-30L);
    if (i < 3) {
      EXPECT_GT(std::fabs(twin.p[i] - r.p[i]), tol) << "the twin without bias correction, element " << i;
    }
  }
}

TEST(AdamW, RefusesAMisshapenGradient) {
  TensorMap p = one_tensor({1.0f, 2.0f});
  AdamWState state = adamw_state(p);
  EXPECT_ANY_THROW(adamw_step(AdamWSettings{}, 1e-3, one_tensor({1.0f}), &p, &state));
}

TEST(ClipGradientNorm, ScalesAsTorchDoes) {
  TensorMap g = one_tensor({3.0f, 4.0f});  // norm 5
  EXPECT_DOUBLE_EQ(clip_gradient_norm(1.0, &g), 5.0);
  const double coef = 1.0 / (5.0 + 1e-6);  // max_norm / (norm + 1e-6)
  EXPECT_NEAR(g["w"].data[0], 3 * coef, 1e-7);
  EXPECT_NEAR(g["w"].data[1], 4 * coef, 1e-7);
  EXPECT_GT(std::fabs(g["w"].data[1] - 4.0 / 5.0), 1e-7);  // twin: without the 1e-6 it differs by 8e-7
  TensorMap small = one_tensor({0.3f, 0.4f});
  clip_gradient_norm(1.0, &small);
  EXPECT_EQ(small["w"].data[0], 0.3f);  // below the limit: untouched
}

TEST(LearningRateSchedule, WarmUpThenCosineToTheFloor) {
  const LearningRateSchedule s{1e-3, 0.1, 4, 20};
  EXPECT_DOUBLE_EQ(learning_rate(s, 0), 1e-3 * 1 / 4);
  EXPECT_DOUBLE_EQ(learning_rate(s, 3), 1e-3);
  EXPECT_DOUBLE_EQ(learning_rate(s, 4), 1e-3);  // cos(0) = 1: the peak
  const LD lo = 1e-4L, pi = 3.14159265358979323846264338327950288L;
  for (int step = 4; step < 20; ++step) {
    const LD want = lo + (1e-3L - lo) * (1 + std::cos(pi * (step - 4) / 16)) / 2;
    EXPECT_NEAR(learning_rate(s, step), static_cast<double>(want), 1e-18) << "step " << step;
  }
  EXPECT_GT(learning_rate(s, 19), 1e-4);  // the floor is reached only after the last step
}

}  // namespace
}  // namespace hopelab
