#pragma once
// The device backend as a VlmRunner (sim/vlm/vlm_runner.h): a DeviceVlmModel over a host model
// and its DeviceKvCache. The CUDA module (sim/cuda/cuda_module.cpp) hands it out as the CUDA
// backend's VLM forward.

#include <memory>

#include "sim/vlm/vlm_runner.h"

namespace hopelab {

// Copies model's weights to the device; model must outlive the runner. Throws InputError as
// DeviceVlmModel's constructor does.
std::unique_ptr<VlmRunner> device_vlm_runner(const VlmModel& model);

}  // namespace hopelab
