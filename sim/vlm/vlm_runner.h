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

// A runner over any model with VlmModel's prefill/decode/generate and the KV cache type those
// take: Model is `const VlmModel&` for the host model (held by reference) or a model built from
// one (DeviceVlmModel, held by value); Cache is KvCache or DeviceKvCache.
template <class Model, class Cache>
class CachedVlmRunner final : public VlmRunner {
 public:
  explicit CachedVlmRunner(const VlmModel& model) : model_(model) {}
  std::vector<float> prefill(const VlmInput& input, const PrefillOptions& options) override {
    return model_.prefill(input, &cache_, options);
  }
  std::vector<float> decode(std::int64_t token_id) override { return model_.decode(token_id, &cache_); }
  std::vector<std::int64_t> generate(const VlmInput& input, int max_new_tokens) override {
    return model_.generate(input, max_new_tokens);
  }

 private:
  Model model_;
  Cache cache_;
};

// The host model itself (Eigen and OpenMP). model must outlive the runner.
std::unique_ptr<VlmRunner> host_vlm_runner(const VlmModel& model);

}  // namespace hopelab
