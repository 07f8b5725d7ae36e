#pragma once
// The VLM's device backend (docs/vlm.md "Device backend"): the graph of sim/vlm/vlm_graph.h
// (vision tower, embeddings, decoder stack, final norm, LM head) over DeviceOps, with the weights
// and the KV cache in device memory, over a host VlmModel that keeps the input checks and the
// positions. One source, two builds: hopelab_vlm_device_cuda (nvcc; GPU memory, cuBLAS, CUDA kernels) and
// hopelab_vlm_device (host compiler; Thrust's OpenMP system, the same GEMM plan through Eigen),
// which CI runs against the host model so that every kernel body is checked without a GPU.

#include <cstdint>
#include <memory>
#include <vector>

#include "sim/backend.h"  // backend_name(), backend_device_available(): which build is linked
#include "sim/vlm/vlm_model.h"

namespace hopelab {

class DeviceOps;
struct DeviceWeights;

// The device model's KV cache: the graph's KvCacheOf<DeviceOps> (sim/vlm/kv_cache.h), keys
// (rotated) and values per layer in device memory. Filled by DeviceVlmModel::prefill.
class DeviceKvCache {
 public:
  DeviceKvCache();
  ~DeviceKvCache();
  DeviceKvCache(DeviceKvCache&&) noexcept;
  DeviceKvCache& operator=(DeviceKvCache&&) noexcept;

  std::int64_t length() const;  // tokens cached

 private:
  friend class DeviceVlmModel;
  std::unique_ptr<KvCacheOf<DeviceOps>> state_;
};

class DeviceVlmModel {
 public:
  // Copies host's weights to the device; host must outlive this model. Throws
  // InputError when the head dim exceeds kAttendRowMaxHeadDim (kernels/attention_row.h).
  explicit DeviceVlmModel(const VlmModel& host);
  ~DeviceVlmModel();
  DeviceVlmModel(const DeviceVlmModel&) = delete;
  DeviceVlmModel& operator=(const DeviceVlmModel&) = delete;

  const VlmModel& host() const { return host_; }

  // As VlmModel::prefill, on the device: logits (L, V) or (1, V); cache (may be null) is reset
  // and then holds the prompt. The probe's weights are computed on the host from the device's
  // keys (attention_weights, the host model's probe).
  std::vector<float> prefill(const VlmInput& input, DeviceKvCache* cache = nullptr,
                             const PrefillOptions& options = {}) const;
  // As VlmModel::decode: logits (V) of one more token after the cached ones.
  std::vector<float> decode(std::int64_t token_id, DeviceKvCache* cache) const;
  // As VlmModel::generate.
  std::vector<std::int64_t> generate(const VlmInput& input, int max_new_tokens) const;

 private:
  const VlmModel& host_;
  std::unique_ptr<DeviceWeights> weights_;
};

}  // namespace hopelab
