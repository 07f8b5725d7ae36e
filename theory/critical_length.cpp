#include "theory/critical_length.h"

#include <cmath>

namespace hopelab {

CriticalLength critical_length(const Method& method, std::int64_t grid_height, std::int64_t grid_width) {
  CriticalLength out;
  const FrequencyAllocation& alloc = method.allocation;
  for (int i = 0; i < alloc.pairs(); ++i) {
    const auto k = static_cast<size_t>(i);
    if (alloc.axis[k] != Axis::t || alloc.zero[k]) continue;
    const double theta = rope_frequency(i, method.spectrum.head_dim, method.spectrum.base);
    if (out.pair < 0 || theta < out.theta_min) {
      out.pair = i;
      out.theta_min = theta;
    }
  }
  if (out.pair < 0) {
    out.reason = "no non-zero temporal frequency: every temporal term is 2 sigma^2 at every offset";
    return out;
  }
  const double half_turn = M_PI / (2.0 * out.theta_min);
  out.length = 1.0 + half_turn;
  // Temporal positions per frame; for truncated time-aligned ids the mean step over many frames.
  const std::int64_t frames = frame_offset_is_linear(method.design) ? 1 : 1'000'000;
  out.frame_step = frame_offset(method.design, frames, grid_height, grid_width).t / static_cast<double>(frames);
  out.frames = 1.0 + half_turn / out.frame_step;
  out.reason = "cos(dt * theta_min) < 0 for dt in (pi/(2 theta_min), 3 pi/(2 theta_min))";
  return out;
}

}  // namespace hopelab
