#pragma once
// A VLM's forward on one backend with a KV cache of its own: prefill a prompt, decode after it,
// generate. The host model runs it on the CPU (host_vlm_runner); the device backend's
// DeviceVlmModel on the GPU (device_vlm_runner, sim/vlm/device/device_runner.h). Commands take
// the runner of the current backend (sim/backend_registry.h), never a model type.

#include <cstdint>
#include <memory>
#include <vector>

#include "sim/vlm/vlm_model.h"

namespace hopelab {

class VlmRunner {
 public:
  virtual ~VlmRunner() = default;
  // As VlmModel::prefill; the runner's cache then holds the prompt.
  virtual std::vector<float> prefill(const VlmInput& input, const PrefillOptions& options) = 0;
  // As VlmModel::decode, after the cached tokens.
  virtual std::vector<float> decode(std::int64_t token_id) = 0;
  // As VlmModel::generate.
  virtual std::vector<std::int64_t> generate(const VlmInput& input, int max_new_tokens) = 0;
};

// The host model itself (Eigen and OpenMP). model must outlive the runner.
std::unique_ptr<VlmRunner> host_vlm_runner(const VlmModel& model);

}  // namespace hopelab
