#include "sim/train/frame_stride.h"

#include <string>

#include "sim/vlm/vlm_positions.h"
#include "theory/input_error.h"

namespace hopelab {

PositionIds strided_positions(const Method& method, const Layout& layout, std::int64_t stride) {
  if (stride < 1) throw InputError("frame stride " + std::to_string(stride) + " is below 1");
  Layout longer = layout;
  for (Segment& s : longer) {
    if (s.kind == SegmentKind::video) s.frames = stride * (s.frames - 1) + 1;
  }
  const PositionIds all = vlm_positions(method, longer);
  PositionIds out;
  const auto keep = [&](std::int64_t row) {
    out.t.push_back(all.t[static_cast<std::size_t>(row)]);
    out.h.push_back(all.h[static_cast<std::size_t>(row)]);
    out.w.push_back(all.w[static_cast<std::size_t>(row)]);
  };
  std::int64_t row = 0;  // in the longer layout
  for (std::size_t i = 0; i < layout.size(); ++i) {
    const Segment& s = layout[i];
    if (s.kind != SegmentKind::video) {
      for (std::int64_t k = 0; k < s.token_count(); ++k) keep(row + k);
    } else {
      const std::int64_t per_frame = s.height * s.width;  // frame-major rows
      for (std::int64_t f = 0; f < s.frames; ++f) {
        for (std::int64_t k = 0; k < per_frame; ++k) keep(row + f * stride * per_frame + k);
      }
    }
    row += longer[i].token_count();
  }
  return out;
}

}  // namespace hopelab
