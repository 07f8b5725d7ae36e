#include "sim/vlm/vlm_runner.h"

namespace hopelab {

std::unique_ptr<VlmRunner> host_vlm_runner(const VlmModel& model) {
  return std::make_unique<CachedVlmRunner<const VlmModel&, KvCache>>(model);
}

}  // namespace hopelab
