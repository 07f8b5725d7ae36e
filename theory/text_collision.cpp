#include "theory/text_collision.h"

#include <algorithm>
#include <stdexcept>
#include <cmath>
#include <string>

#include "theory/input_error.h"

namespace hopelab {

TextCollision text_collision(const Method& method, std::int64_t frames, std::int64_t height, std::int64_t width) {
  if (frames < 1 || height < 1 || width < 1 || frames > 4096 || height > 4096 || width > 4096) {
    throw InputError("text collision needs 1 <= frames, height, width <= 4096, got " + std::to_string(frames) + "x" +
                     std::to_string(height) + "x" + std::to_string(width));
  }
  // Enough text after the video to hold every overlapping position of any design (h, w exceed the
  // text start by less than H + W + 1 for every design here; checked below).
  const std::int64_t text_after = height + width + 2;
  const Layout layout = {Segment{SegmentKind::text, 1, 1, 1, 1}, Segment{SegmentKind::video, 0, frames, height, width},
                         Segment{SegmentKind::text, text_after, 1, 1, 1}};
  const PositionIds ids = assign_positions(method.design, layout);
  const std::int64_t first_visual = 1, first_text = 1 + frames * height * width;
  TextCollision c;
  c.text_start = ids.t[static_cast<size_t>(first_text)];
  c.visual_max_hw = -INFINITY;
  for (std::int64_t i = first_visual; i < first_text; ++i) {
    const Position3 p = ids.at(i);
    c.visual_max_hw = std::max({c.visual_max_hw, p.h, p.w});
    c.colliding_tokens += (p.h >= c.text_start || p.w >= c.text_start) ? 1 : 0;
  }
  const std::vector<double> weights = pair_weights(method, 1.0);
  bool found = false;
  for (std::int64_t k = first_text; k < ids.size(); ++k) {
    const Position3 text = ids.at(k);
    if (text.h > c.visual_max_hw && text.w > c.visual_max_hw) break;
    if (k + 1 == ids.size()) throw std::logic_error("text_collision: the following text is too short");
    ++c.overlap_positions;
    for (std::int64_t i = first_visual; i < first_text; ++i) {
      const Position3 v = ids.at(i);
      if (v.h != text.h || v.w != text.w) continue;
      ++c.coincident_pairs;
      if (!found) {
        found = true;
        c.coincident_offset = text - v;
        c.coincident_preference = expected_preference(method, c.coincident_offset, weights);
        c.last_token_preference = expected_preference(method, text - ids.at(first_text - 1), weights);
      }
    }
  }
  return c;
}

}  // namespace hopelab
