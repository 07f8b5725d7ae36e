#include "sim/fma_peak.h"

#include <algorithm>
#include <chrono>

#include <thrust/device_vector.h>
#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>

#if defined(__CUDACC__)
#include <cuda_runtime.h>
#else
#include <omp.h>
#endif

#include "kernels/score_tile.h"  // HOPELAB_TILE_VECTORIZE / HOPELAB_TILE_UNROLL
#include "theory/host_device.h"

namespace hopelab {

namespace {

// Chains per work item x lanes per chain: enough independent FMAs in flight to cover the
// latency of every FMA unit, without spilling registers: on the host 16 chains of one 64-byte
// vector each (16 floats or 8 doubles: 16 of the 32 AVX-512 registers); on the device 8 per
// thread, the other warps do the rest.
#if defined(__CUDACC__)
constexpr int kChains = 8;
template <typename T>
constexpr int kLanes = 1;
#else
constexpr int kChains = 16;
template <typename T>
constexpr int kLanes = static_cast<int>(64 / sizeof(T));
#endif

template <typename T>
struct FmaChains {
  std::int64_t iterations;
  T* out;

  HOPELAB_HD void operator()(std::int64_t item) const {
    T acc[kChains][kLanes<T>];
    const T b = T(0.999999), c = T(1e-7) * T(item % 7 + 1);
    for (int i = 0; i < kChains; ++i) {
      for (int j = 0; j < kLanes<T>; ++j) acc[i][j] = T(i + j);
    }
    for (std::int64_t it = 0; it < iterations; ++it) {
      HOPELAB_TILE_UNROLL
      for (int i = 0; i < kChains; ++i) {
        HOPELAB_TILE_VECTORIZE
        for (int j = 0; j < kLanes<T>; ++j) acc[i][j] = acc[i][j] * b + c;
      }
    }
    T sum = T(0);
    for (int i = 0; i < kChains; ++i) {
      for (int j = 0; j < kLanes<T>; ++j) sum += acc[i][j];
    }
    out[item] = sum;  // keeps the chains alive
  }
};

std::int64_t concurrent_work_items() {
#if defined(__CUDACC__)
  int device = 0, sms = 0, threads_per_sm = 0;
  cudaGetDevice(&device);
  cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device);
  cudaDeviceGetAttribute(&threads_per_sm, cudaDevAttrMaxThreadsPerMultiProcessor, device);
  return static_cast<std::int64_t>(sms) * threads_per_sm;
#else
  return omp_get_max_threads();
#endif
}

template <typename T>
FmaRate measure(std::int64_t iterations, int repeats) {
  FmaRate best;
  best.work_items = concurrent_work_items();
  thrust::device_vector<T> out(static_cast<size_t>(best.work_items));
  for (int r = 0; r < std::max(1, repeats); ++r) {
    const auto start = std::chrono::steady_clock::now();
    thrust::for_each(thrust::counting_iterator<std::int64_t>(0), thrust::counting_iterator<std::int64_t>(best.work_items),
                     FmaChains<T>{iterations, thrust::raw_pointer_cast(out.data())});
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double fmas = static_cast<double>(best.work_items) * static_cast<double>(iterations) * kChains * kLanes<T>;
    if (fmas / seconds > best.fma_per_second) {
      best.fma_per_second = fmas / seconds;
      best.seconds = seconds;
    }
  }
  return best;
}

}  // namespace

FmaRate measure_fma_peak_float(std::int64_t iterations, int repeats) { return measure<float>(iterations, repeats); }
FmaRate measure_fma_peak_double(std::int64_t iterations, int repeats) { return measure<double>(iterations, repeats); }

}  // namespace hopelab
