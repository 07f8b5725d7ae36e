#pragma once
// Float32 storage of the VLM's device backend: a thrust::device_vector, in GPU memory in the
// CUDA build (hopelab_vlm_device_cuda) and host memory in the CPU build (hopelab_vlm_device,
// Thrust's OpenMP system). Kernels take raw pointers into it.

#include <cstddef>

#include <thrust/device_vector.h>

namespace hopelab {

using DeviceBuffer = thrust::device_vector<float>;

inline float* raw(DeviceBuffer& b) { return thrust::raw_pointer_cast(b.data()); }
inline const float* raw(const DeviceBuffer& b) { return thrust::raw_pointer_cast(b.data()); }

// A copy on the device of n host floats.
inline DeviceBuffer upload(const float* host, std::size_t n) { return DeviceBuffer(host, host + n); }

// Grows b to at least n floats, keeping its contents (geometrically, so appends are amortised).
inline void grow_keeping(DeviceBuffer* b, std::size_t n) {
  if (b->size() >= n) return;
  b->resize(n > 2 * b->size() ? n : 2 * b->size());
}

}  // namespace hopelab
