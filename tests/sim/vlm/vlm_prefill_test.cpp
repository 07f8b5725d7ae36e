// A full prefill of the tiny model with unit-gain random weights against a plain long-double
// re-implementation (reference_model.h: direct loops, materialised attention, no blocking, no
// cache), under mrope and under hope (zero-frequency pairs, fractional positions); the
// last-row-only prefill (whose last layer computes the last row's output alone) against it and
// against a full prefill's cache.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "sim/vlm/logit_tolerance.h"
#include "reference_model.h"
#include "sim/vlm/vlm_model.h"
#include "sim/vlm/vlm_positions.h"
#include "vlm_fixture.h"

namespace hopelab {
namespace {

void check_prefill(const VlmRotary& rotary) {
  const VlmConfig config = vlm_preset("tiny");
  const TensorMap weights = vlm_test::fixture_weights(config, 11);
  const VlmInput input = vlm_test::fixture_input(config, 5);
  const VlmModel model(config, weights, rotary);
  const std::vector<float> logits = model.prefill(input);

  const PositionIds positions = vlm_positions(model.method(), vlm_layout(config, input));
  const vlm_test::Rows expected = vlm_test::ref_logits(config, weights, input, positions, model.method().allocation);
  ASSERT_EQ(logits.size(), expected.size());
  const std::int64_t length = static_cast<std::int64_t>(input.input_ids.size());
  const double tol = logit_tolerance(config, 24, length, vlm_test::max_abs(expected));  // derivation: sim/vlm/logit_tolerance.h
  const test::WorstElement worst = test::worst_element(expected, logits, tol);
  EXPECT_TRUE(worst.ok()) << rotary.method << ": " << worst.message(9);

  PrefillOptions last;
  last.last_row_only = true;
  const std::vector<float> last_row = model.prefill(input, nullptr, last);
  const vlm_test::Rows expected_last(expected.end() - config.vocab_size, expected.end());
  const test::WorstElement worst_last = test::worst_element(expected_last, last_row, tol);
  ASSERT_EQ(last_row.size(), static_cast<std::size_t>(config.vocab_size));
  EXPECT_TRUE(worst_last.ok()) << rotary.method << " (last row only): " << worst_last.message(9);
}

TEST(VlmPrefill, MropeMatchesLongDoubleReimplementation) {
  check_prefill(VlmRotary{"mrope", {}});
}

TEST(VlmPrefill, HopeWithGammaMatchesLongDoubleReimplementation) {
  VlmRotary rotary{"hope", {}};
  rotary.options.gamma = 0.75;
  check_prefill(rotary);
}

TEST(VlmPrefill, AttentionProbeIsACausalDistributionPerHead) {
  const VlmConfig config = vlm_preset("tiny");
  const VlmModel model(config, vlm_test::fixture_weights(config, 11), VlmRotary{"mrope", {}});
  const VlmInput input = vlm_test::fixture_input(config, 5);
  const std::int64_t length = static_cast<std::int64_t>(input.input_ids.size());
  AttentionProbe probe;
  probe.layer = 1;
  probe.query = 20;
  PrefillOptions options;
  options.probe = &probe;
  const std::vector<float> logits = model.prefill(input, nullptr, options);
  EXPECT_EQ(logits, model.prefill(input));  // observing changes nothing
  ASSERT_EQ(probe.weights.size(), static_cast<std::size_t>(config.num_attention_heads * length));
  for (int h = 0; h < config.num_attention_heads; ++h) {
    double sum = 0.0;
    for (std::int64_t j = 0; j < length; ++j) {
      const float w = probe.weights[static_cast<std::size_t>(h * length + j)];
      if (j > probe.query) {
        ASSERT_EQ(w, 0.0f) << "head " << h << " key " << j << " is in the future";
      }
      ASSERT_GE(w, 0.0f) << "head " << h << " key " << j;
      sum += w;
    }
    // Each weight is a double quotient rounded to float (u relative): the sum is within
    // (query + 1) u of 1.
    const double tol = static_cast<double>(probe.query + 1) * std::numeric_limits<float>::epsilon() / 2;
    EXPECT_LE(std::fabs(sum - 1.0), tol) << "head " << h << ": sum " << sum << ", tolerance " << tol;
  }
}

TEST(VlmPrefill, ModelsWithDifferentMethodsCoexist) {
  const VlmConfig config = vlm_preset("tiny");
  const TensorMap weights = vlm_test::fixture_weights(config, 11);
  const VlmInput input = vlm_test::fixture_input(config, 5);
  const VlmModel mrope(config, weights, VlmRotary{"mrope", {}});
  const std::vector<float> alone = mrope.prefill(input);
  const VlmModel hope(config, weights, VlmRotary{"hope", {}});
  const std::vector<float> other = hope.prefill(input);
  EXPECT_EQ(mrope.prefill(input), alone);  // building and running another model changes nothing
  EXPECT_NE(other, alone);                 // and the two methods do differ
}

// A last-row-only prefill skips the last layer's outputs of the other rows, never their keys and
// values: its cache is bit-identical to a full prefill's, and so is a decode step after it.
TEST(VlmPrefill, LastRowOnlyFillsTheSameCache) {
  const VlmConfig config = vlm_preset("tiny");
  const VlmModel model(config, vlm_test::fixture_weights(config, 11), VlmRotary{"mrope", {}});
  const VlmInput input = vlm_test::fixture_input(config, 5);
  KvCache full, last;
  model.prefill(input, &full);
  PrefillOptions options;
  options.last_row_only = true;
  model.prefill(input, &last, options);
  ASSERT_EQ(last.length, full.length);
  for (std::size_t l = 0; l < full.keys.size(); ++l) {
    EXPECT_EQ(last.keys[l], full.keys[l]) << "layer " << l;
    EXPECT_EQ(last.values[l], full.values[l]) << "layer " << l;
  }
  EXPECT_EQ(model.decode(42, &last), model.decode(42, &full));
}

}  // namespace
}  // namespace hopelab
