#include "sim/vlm/vlm_runner.h"

namespace hopelab {

namespace {

class HostRunner final : public VlmRunner {
 public:
  explicit HostRunner(const VlmModel& model) : model_(model) {}
  std::vector<float> prefill(const VlmInput& input, const PrefillOptions& options) override {
    return model_.prefill(input, &cache_, options);
  }
  std::vector<float> decode(std::int64_t token_id) override { return model_.decode(token_id, &cache_); }
  std::vector<std::int64_t> generate(const VlmInput& input, int max_new_tokens) override {
    return model_.generate(input, max_new_tokens);
  }

 private:
  const VlmModel& model_;
  KvCache cache_;
};

}  // namespace

std::unique_ptr<VlmRunner> host_vlm_runner(const VlmModel& model) { return std::make_unique<HostRunner>(model); }

}  // namespace hopelab
