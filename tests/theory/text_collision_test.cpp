// theory/text_collision.h against the layouts written out here: under the centred diagonal layout
// (VideoRoPE, HoPE; 2510.23095 §2.2.2, the official get_rope_index) frame f of a T x H x W video
// after one text token has t = 1 + step f, h = t + y - floor((H-1)/2), w = t + x - floor((W-1)/2),
// and the text after it resumes at the last t + 1, so h and w exceed it by up to ceil((H-1)/2) - 1
// and ceil((W-1)/2) - 1: ceil((max(H, W) - 1) / 2) positions overlap. Qwen2-VL's layout resumes
// after max(t, h, w): none.

#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "theory/input_error.h"
#include "theory/text_collision.h"

namespace hopelab {
namespace {

std::int64_t ceil_half(std::int64_t n) { return (n + 1) / 2; }

TEST(TextCollision, DiagonalOverlapIsCeilHalfOfTheGrid) {
  for (const char* name : {"videorope", "hope"}) {
    const Method m = make_method(name);
    for (std::int64_t frames : {1, 3}) {
      for (std::int64_t h : {1, 2, 3, 4, 5, 8, 11, 12, 24}) {
        for (std::int64_t w : {1, 4, 12}) {
          const TextCollision c = text_collision(m, frames, h, w);
          const std::int64_t want = ceil_half(std::max(h, w) - 1);
          EXPECT_EQ(c.overlap_positions, want) << name << " " << frames << "x" << h << "x" << w;
          const double last_t = 1.0 + m.design.temporal_step * static_cast<double>(frames - 1);
          EXPECT_EQ(c.text_start, last_t + 1.0) << name;
          EXPECT_EQ(c.visual_max_hw, last_t + static_cast<double>(ceil_half(std::max(h, w) - 1)));
          if (want > 0) {  // the last frame's bottom-right token at least
            EXPECT_GE(c.colliding_tokens, 1) << name;
          } else {
            EXPECT_EQ(c.colliding_tokens, 0) << name;
          }
        }
      }
    }
  }
}

TEST(TextCollision, CoincidentTokenSharesHAndW) {
  const Method m = make_method("videorope");
  const TextCollision c = text_collision(m, 4, 12, 12);
  ASSERT_GT(c.coincident_pairs, 0);
  EXPECT_EQ(c.coincident_offset.h, 0.0);
  EXPECT_EQ(c.coincident_offset.w, 0.0);
  EXPECT_GT(c.coincident_offset.t, 0.0);
  // D's h and w parts are the full weight 2 sigma^2 = 2 of each of those axes' pairs.
  const double h_pairs = static_cast<double>(m.allocation.pairs_on(Axis::h).size());
  const double w_pairs = static_cast<double>(m.allocation.pairs_on(Axis::w).size());
  EXPECT_DOUBLE_EQ(c.coincident_preference.by_axis[1], 2.0 * h_pairs);
  EXPECT_DOUBLE_EQ(c.coincident_preference.by_axis[2], 2.0 * w_pairs);
}

TEST(TextCollision, Qwen2vlAndOneDimensionalDesignsAreFree) {
  for (const char* name : {"vanilla", "mrope", "mrope-interleave", "v2pe", "tad-rope"}) {
    for (std::int64_t h : {1, 2, 7, 12, 24}) {
      const TextCollision c = text_collision(make_method(name), 2, h, h);
      EXPECT_EQ(c.overlap_positions, 0) << name << " H = " << h;
      EXPECT_EQ(c.colliding_tokens, 0) << name << " H = " << h;
      EXPECT_EQ(c.coincident_pairs, 0) << name << " H = " << h;
    }
  }
}

TEST(TextCollision, RefusesEmptyGrids) {
  EXPECT_THROW(text_collision(make_method("mrope"), 0, 2, 2), InputError);
  EXPECT_THROW(text_collision(make_method("mrope"), 1, 0, 2), InputError);
  EXPECT_THROW(text_collision(make_method("mrope"), 1, 2, 5000), InputError);
}

}  // namespace
}  // namespace hopelab
