#include "sim/vlm/device/device_runner.h"

#include "sim/vlm/device/device_model.h"

namespace hopelab {

namespace {

class DeviceRunner final : public VlmRunner {
 public:
  explicit DeviceRunner(const VlmModel& model) : model_(model) {}
  std::vector<float> prefill(const VlmInput& input, const PrefillOptions& options) override {
    return model_.prefill(input, &cache_, options);
  }
  std::vector<float> decode(std::int64_t token_id) override { return model_.decode(token_id, &cache_); }
  std::vector<std::int64_t> generate(const VlmInput& input, int max_new_tokens) override {
    return model_.generate(input, max_new_tokens);
  }

 private:
  DeviceVlmModel model_;
  DeviceKvCache cache_;
};

}  // namespace

std::unique_ptr<VlmRunner> device_vlm_runner(const VlmModel& model) { return std::make_unique<DeviceRunner>(model); }

}  // namespace hopelab
