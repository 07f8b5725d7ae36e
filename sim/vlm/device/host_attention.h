#pragma once
// The device backend's attention kernel called with host arrays: copies q, k and v to the
// device, runs the kernel of DeviceOps::attention and copies out back. For checks of the kernel
// against a reference (tests/sim/vlm) and for timing it alone; the model keeps its arrays on
// the device.

#include "sim/vlm/attention.h"

namespace hopelab {

// As attention() (sim/vlm/attention.h), host pointers: q (queries, q_stride), k and v
// (keys, kv_stride), out (queries, out_stride). head_dim <= kAttendRowMaxHeadDim.
void device_attention_of_host_arrays(const AttentionShape& shape, const AttentionArgs& host_args);

}  // namespace hopelab
