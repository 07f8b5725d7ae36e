#pragma once
// The learning rate of step s (0-based) of a run of S steps (docs/vlm.md "Training"): linear
// warm-up over W steps, then cosine decay to min_ratio times the peak:
//   lr(s) = peak (s + 1) / W                                            for s < W,
//   lr(s) = lo + (peak - lo) (1 + cos(pi (s - W) / (S - W))) / 2,  lo = min_ratio peak, else.

#include <cmath>
#include <cstdint>

namespace hopelab {

struct LearningRateSchedule {
  double peak = 1e-3;        // lr after warm-up
  double min_ratio = 0.1;    // the final rate over the peak
  std::int64_t warmup = 0;   // W, steps of linear warm-up
  std::int64_t total = 1;    // S, steps of the run (> W)
};

inline double learning_rate(const LearningRateSchedule& s, std::int64_t step) {
  if (step < s.warmup) return s.peak * static_cast<double>(step + 1) / static_cast<double>(s.warmup);
  const double lo = s.min_ratio * s.peak;
  const double progress = static_cast<double>(step - s.warmup) / static_cast<double>(s.total - s.warmup);
  return lo + (s.peak - lo) * 0.5 * (1.0 + std::cos(M_PI * progress));
}

}  // namespace hopelab
