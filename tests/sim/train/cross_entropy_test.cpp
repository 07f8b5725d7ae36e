// The loss (sim/train/cross_entropy.h): Hugging Face's shift and ignore index, the value against
// a long-double log-sum-exp, dlogits against central differences; a twin (no normaliser) fails.

#include "sim/train/cross_entropy.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "gradient_check.h"

namespace hopelab {
namespace {

using namespace train_test;  // gradient_check.h: numeric_gradient, compare, float_bounds, ...

TEST(CrossEntropy, ShiftsLabelsByOneAndIgnoresMinus100) {
  const std::vector<std::int64_t> labels = {5, -100, 7, 2};
  const std::vector<std::int64_t> want = {-100, 7, 2, -100};
  EXPECT_EQ(shifted_targets(labels), want);
  EXPECT_EQ(counted_targets(want), 2);
}

TEST(CrossEntropy, LossAndGradientMatchLongDouble) {
  const int rows = 4, vocab = 11;
  const std::vector<float> logits = randoms(rows * vocab, 30, 3.0);
  const std::vector<std::int64_t> targets = {3, kIgnoreLabel, 10, 0};
  const double normaliser = 3.0;
  std::vector<float> dlogits(logits.size(), 99.0f);  // set, not added: ignored rows become 0
  const CrossEntropy ce = cross_entropy(logits.data(), rows, vocab, targets, normaliser, dlogits.data());
  const auto loss = [&](const Vec& z) {  // mean of -log softmax(z_i)[t_i] over counted rows
    LD sum = 0;
    for (int i = 0; i < rows; ++i) {
      if (targets[i] == kIgnoreLabel) continue;
      LD max = -1e300L, s = 0;
      for (int v = 0; v < vocab; ++v) max = std::max(max, z[i * vocab + v]);
      for (int v = 0; v < vocab; ++v) s += std::exp(z[i * vocab + v] - max);
      sum += std::log(s) + max - z[i * vocab + targets[i]];
    }
    return Vec{sum / static_cast<LD>(normaliser)};
  };
  const Vec Z = widen(logits);
  const LD exact = loss(Z)[0] * static_cast<LD>(normaliser);
  EXPECT_NEAR(static_cast<double>(exact), ce.loss_sum, 1e-12 * static_cast<double>(exact));  // double sums
  const Vec g = numeric_gradient(loss, Z, Vec{1.0L});
  Vec m(g.size());
  for (std::size_t i = 0; i < g.size(); ++i) m[i] = std::fabs(g[i]) + 1.0L / normaliser;
  const auto worst = compare(g, dlogits, float_bounds(2, m));  // the double value rounded to float
  EXPECT_TRUE(worst.ok()) << worst.message();
  std::vector<float> wrong = dlogits;
  for (float& x : wrong) x *= static_cast<float>(normaliser);  // twin: the normaliser forgotten
  EXPECT_FALSE(compare(g, wrong, float_bounds(2, m)).ok());
}

TEST(CrossEntropy, CountsArgmaxHits) {
  const std::vector<float> logits = {0, 5, 1, 3, 0, 0};  // rows argmax 1 and 0
  const CrossEntropy ce = cross_entropy(logits.data(), 2, 3, {1, 2}, 2.0, nullptr);
  EXPECT_EQ(ce.correct, 1);
}

}  // namespace
}  // namespace hopelab
