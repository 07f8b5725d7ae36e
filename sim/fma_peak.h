#pragma once
// The backend's measured FMA throughput: the denominator of "share of peak" in benchmarks.
// Every work item runs independent chains a <- a * b + c (one fused multiply-add each) long
// enough that latency is hidden and nothing but the FMA units limits the rate; the items are
// as many as the backend runs at once (OpenMP threads, or resident GPU threads).

#include <cstdint>

namespace hopelab {

struct FmaRate {
  double fma_per_second = 0.0;  // lane-FMAs (one multiply and one add each) per second
  std::int64_t work_items = 0;
  double seconds = 0.0;
};

// Best of `repeats` timed runs of `iterations` steps per chain, in float or double.
FmaRate measure_fma_peak_float(std::int64_t iterations, int repeats);
FmaRate measure_fma_peak_double(std::int64_t iterations, int repeats);

}  // namespace hopelab
