#include "sim/vlm/device/device_model.h"

#include <string>

#include "kernels/attention_row.h"
#include "sim/vlm/device/device_ops.h"
#include "sim/vlm/vlm_graph.h"
#include "theory/input_error.h"

namespace hopelab {

struct DeviceWeights {
  DeviceOps ops;
  ModelWeights<DeviceOps> model;
};

DeviceKvCache::DeviceKvCache() : state_(std::make_unique<KvCacheOf<DeviceOps>>()) {}
DeviceKvCache::~DeviceKvCache() = default;
DeviceKvCache::DeviceKvCache(DeviceKvCache&&) noexcept = default;
DeviceKvCache& DeviceKvCache::operator=(DeviceKvCache&&) noexcept = default;
std::int64_t DeviceKvCache::length() const { return state_ ? state_->length : 0; }

DeviceVlmModel::DeviceVlmModel(const VlmModel& host) : host_(host) {
  const VlmConfig& c = host.config();
  if (c.head_dim() > kAttendRowMaxHeadDim) {
    throw InputError("head_dim (hidden_size / num_attention_heads) " + std::to_string(c.head_dim()) +
                     " exceeds the device backend's " + std::to_string(kAttendRowMaxHeadDim));
  }
  weights_ = std::make_unique<DeviceWeights>();
  weights_->model = model_weights(c, host.tensors(), weights_->ops);
}

DeviceVlmModel::~DeviceVlmModel() = default;

std::vector<float> DeviceVlmModel::prefill(const VlmInput& input, DeviceKvCache* cache,
                                           const PrefillOptions& options) const {
  return prefill_logits(weights_->ops, host_, weights_->model, input, cache != nullptr ? cache->state_.get() : nullptr,
                        options);
}

std::vector<float> DeviceVlmModel::decode(std::int64_t token_id, DeviceKvCache* cache) const {
  return decode_logits(weights_->ops, host_, weights_->model, token_id,
                       cache != nullptr ? cache->state_.get() : nullptr);
}

std::vector<std::int64_t> DeviceVlmModel::generate(const VlmInput& input, int max_new_tokens) const {
  return generate_tokens(weights_->ops, host_, weights_->model, input, max_new_tokens);
}

}  // namespace hopelab
