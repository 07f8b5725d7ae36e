#pragma once
// HoPE Theorem 3.1: with a non-zero temporal frequency, some temporal offset makes the
// temporal terms negative once the context exceeds the critical length
//   L_c = 1 + pi / (2 theta_min),   theta_min = smallest non-zero frequency on axis t,
// since cos(dt * theta_min) < 0 for dt just above pi / (2 theta_min). The proof also assumes the
// spatial sums are non-negative (related tokens sit at nearby spatial positions); see
// docs/theory.md for what holds without that assumption.

#include <optional>
#include <string>

#include "theory/method.h"

namespace hopelab {

struct CriticalLength {
  std::optional<double> length;  // L_c in temporal position units; none without temporal frequency
  int pair = -1;                 // the pair with theta_min
  double theta_min = 0.0;
  double frame_step = 0.0;           // temporal offset per frame under the method's design (mean
                                     // over 1e6 frames for truncated time-aligned ids)
  std::optional<double> frames;      // L_c in frames: 1 + pi / (2 theta_min frame_step)
  std::string reason;
};

CriticalLength critical_length(const Method& method, std::int64_t grid_height = 12, std::int64_t grid_width = 12);

}  // namespace hopelab
