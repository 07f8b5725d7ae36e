#pragma once
// The VLM's device backend (docs/vlm.md "Device backend"): the vision tower, the embeddings and
// the language model (decoder stack, final norm, LM head) with their weights and the KV cache in
// device memory, over a host VlmModel that keeps the input checks and the positions. One
// source, two builds: hopelab_vlm_device_cuda (nvcc; GPU memory, cuBLAS, CUDA kernels) and
// hopelab_vlm_device (host compiler; Thrust's OpenMP system, the same GEMM plan through Eigen),
// which CI runs against the host model so that every kernel body is checked without a GPU.

#include <cstdint>
#include <memory>
#include <vector>

#include "sim/backend.h"  // backend_name(), backend_device_available(): which build is linked
#include "sim/vlm/vlm_model.h"

namespace hopelab {

struct DeviceWeights;
struct DeviceKvState;

// The device model's KV cache: keys (rotated) and values per layer in device memory, and what
// the next token's position needs. Filled by DeviceVlmModel::prefill.
class DeviceKvCache {
 public:
  DeviceKvCache();
  ~DeviceKvCache();
  DeviceKvCache(DeviceKvCache&&) noexcept;
  DeviceKvCache& operator=(DeviceKvCache&&) noexcept;

  std::int64_t length() const;  // tokens cached

 private:
  friend class DeviceVlmModel;
  std::unique_ptr<DeviceKvState> state_;
};

class DeviceVlmModel {
 public:
  // Copies host's language-model weights to the device; host must outlive this model. Throws
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
  void run_decoder(const PositionIds& positions, std::int64_t rows, float* x, DeviceKvState* kv,
                   AttentionProbe* probe) const;
  std::vector<float> logits(const float* x, std::int64_t rows) const;
  // x (ids, H) <- the embed_tokens rows of ids.
  void embed(const std::vector<std::int64_t>& ids, float* x) const;
  // The vision tower's merger rows of each grid over the rows of its visual tokens. x: (L, H).
  void place_visual_rows(const VlmInput& input, std::int64_t token, const Tensor& pixels,
                         const std::vector<VisualGrid>& grids, float* x) const;

  const VlmModel& host_;
  std::unique_ptr<DeviceWeights> weights_;
};

}  // namespace hopelab
