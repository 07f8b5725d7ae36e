// unrotated_qk (sim/train/qk_rows.h) against what the forward itself records: the probe's query
// vector (language_model.h AttentionProbe, copied before the rotation) for queries, and, with
// layer 0's key projection tied to the query projection (frame_match.h), the tied query for
// keys. A twin that rotates the wrong way must fail the same comparison.

#include <gtest/gtest.h>

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "sim/train/needle_task.h"
#include "sim/train/qk_rows.h"
#include "sim/vlm/frame_match.h"
#include "sim/vlm/presets.h"
#include "kernels/rotary.h"
#include "sim/vlm/random_weights.h"

namespace hopelab {
namespace {

// The rotation and its inverse each err by at most 2 eps (|x| + |y|) per value of a pair (one
// product pair and a sum, rounded): 8 eps max|row| bounds the round trip.
double round_trip_tolerance(const float* row, int width) {
  float biggest = 0;
  for (int j = 0; j < width; ++j) biggest = std::max(biggest, std::fabs(row[j]));
  return 8.0 * FLT_EPSILON * biggest;
}

bool rows_match(const float* a, const float* b, int width) {
  const double tol = round_trip_tolerance(b, width);
  for (int j = 0; j < width; ++j) {
    if (std::fabs(static_cast<double>(a[j]) - b[j]) > tol) return false;
  }
  return true;
}

VlmInput prompt(const VlmConfig& c) {
  NeedleTask task;
  task.seed = 2;
  return needle_example_at(c, task, 5, 6, 3).input;
}

TEST(QkRows, QueriesAreTheForwardsUnrotatedQueries) {
  const VlmConfig c = vlm_preset("needle");
  VlmRotary rotary;
  rotary.method = "mrope";
  const VlmModel model(c, random_weights(c, 4), rotary);
  const VlmInput input = prompt(c);
  const int width = c.num_attention_heads * c.head_dim();
  const QkRows qk = unrotated_qk(model, input);
  for (int layer = 0; layer < c.num_hidden_layers; ++layer) {
    const std::vector<float>& queries = qk.queries[static_cast<std::size_t>(layer)];
    ASSERT_EQ(queries.size(), static_cast<std::size_t>(qk.rows * width));
    for (std::int64_t row : {std::int64_t{1}, std::int64_t{9}, qk.rows - 2}) {
      AttentionProbe probe;
      probe.layer = layer;
      probe.query = row;
      PrefillOptions options;
      options.probe = &probe;
      model.prefill(input, nullptr, options);
      EXPECT_TRUE(rows_match(queries.data() + row * width, probe.query_vector.data(), width))
          << "layer " << layer << " row " << row;
    }
  }
}

TEST(QkRows, TiedKeysAreTheTiedQueriesAndAWrongTurnFails) {
  const VlmConfig c = vlm_preset("needle");
  TensorMap weights = random_weights(c, 6);
  tie_first_layer_keys(c, &weights, 1.0);
  VlmRotary rotary;
  rotary.method = "videorope";
  const VlmModel model(c, std::move(weights), rotary);
  const QkRows qk = unrotated_qk(model, prompt(c));
  const std::vector<float>& queries = qk.queries[0];
  const std::vector<float>& keys = qk.keys[0];
  const int d = c.head_dim(), q_width = c.num_attention_heads * d, k_width = c.num_key_value_heads * d;
  const int group = c.num_attention_heads / c.num_key_value_heads;
  for (std::int64_t row = 0; row < qk.rows; ++row) {
    for (int g = 0; g < c.num_key_value_heads; ++g) {
      ASSERT_TRUE(rows_match(keys.data() + row * k_width + g * d, queries.data() + row * q_width + g * group * d, d))
          << "row " << row << " KV head " << g;
    }
  }
  // Twin: rotating the tied key by +phi once more (instead of undoing the rotation) misses the
  // unrotated query on a row whose phases are not all zero.
  std::vector<float> angles(static_cast<std::size_t>(d / 2));
  const std::int64_t row = qk.rows - 2;
  rotary_angles(language_rotary(model.method()), qk.positions.at(row), angles.data());
  std::vector<float> turned(static_cast<std::size_t>(d));
  rotate_pairs(keys.data() + row * k_width, angles.data(), d, PairLayout::halves, turned.data());
  std::vector<float> twice(static_cast<std::size_t>(d));
  rotate_pairs(turned.data(), angles.data(), d, PairLayout::halves, twice.data());
  EXPECT_FALSE(rows_match(twice.data(), queries.data() + row * q_width, d));
}

}  // namespace
}  // namespace hopelab
