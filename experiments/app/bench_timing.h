#pragma once
// Timing helpers of the benchmarks (`hopelab bench mc`, `hopelab bench vlm`): wall seconds of one
// call on the steady clock, and the median of repeated timings (machines are noisy).

#include <algorithm>
#include <chrono>
#include <vector>

namespace hopelab::cli {

template <class Run>
double timed(Run&& run) {
  const auto start = std::chrono::steady_clock::now();
  run();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// values: at least one timing.
inline double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

}  // namespace hopelab::cli
