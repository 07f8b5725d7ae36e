// kernels/float_vector.h: splat keeps -0, loads and stores round-trip at any alignment, lane
// indices, and the horizontal max and sum with the largest value in each lane in turn.

#include "kernels/float_vector.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

namespace {

using hopelab::FloatVector;
using hopelab::kFloatLanes;

std::vector<float> lanes_of(FloatVector v) {
  std::vector<float> out(kFloatLanes);
  hopelab::store_floats(out.data(), v);
  return out;
}

TEST(FloatVector, SplatFillsEveryLaneBitForBit) {
  for (float x : {-0.0f, 0.0f, 1.5f, -INFINITY}) {
    for (float lane : lanes_of(hopelab::splat(x))) EXPECT_EQ(std::memcmp(&lane, &x, sizeof x), 0) << x;
  }
}

TEST(FloatVector, LoadAndStoreAtAnyOffset) {
  std::vector<float> data(3 * kFloatLanes);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<float>(i) + 0.25f;
  for (int offset = 0; offset < kFloatLanes; ++offset) {
    const std::vector<float> got = lanes_of(hopelab::load_floats(&data[static_cast<std::size_t>(offset)]));
    for (int i = 0; i < kFloatLanes; ++i) EXPECT_EQ(got[static_cast<std::size_t>(i)], data[static_cast<std::size_t>(offset + i)]);
  }
}

TEST(FloatVector, LaneIndicesCountUpFromFirst) {
  const hopelab::IntVector v = hopelab::lane_indices(7);
  for (int i = 0; i < kFloatLanes; ++i) EXPECT_EQ(v[i], 7 + i);
}

// The largest value and a sum in each lane position in turn.
TEST(FloatVector, HorizontalMaxAndSumSeeEveryLane) {
  for (int hot = 0; hot < kFloatLanes; ++hot) {
    float x[kFloatLanes];
    double sum = 0.0;
    for (int i = 0; i < kFloatLanes; ++i) {
      x[i] = i == hot ? 1000.0f : static_cast<float>(-i);
      sum += x[i];
    }
    const FloatVector v = hopelab::load_floats(x);
    for (float lane : lanes_of(hopelab::horizontal_max(v))) EXPECT_EQ(lane, 1000.0f) << "hot lane " << hot;
    EXPECT_EQ(hopelab::horizontal_sum(v), static_cast<float>(sum)) << "hot lane " << hot;  // small integers: exact
  }
}

}  // namespace
