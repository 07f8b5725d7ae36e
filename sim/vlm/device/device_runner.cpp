#include "sim/vlm/device/device_runner.h"

#include "sim/vlm/device/device_model.h"

namespace hopelab {

std::unique_ptr<VlmRunner> device_vlm_runner(const VlmModel& model) {
  return std::make_unique<CachedVlmRunner<DeviceVlmModel, DeviceKvCache>>(model);
}

}  // namespace hopelab
