// The VLM device backend's CUDA build against the host model; skipped without a device.
#include "sim/backend.h"
static bool backend_available() { return hopelab::backend_device_available(); }
#include "vlm_device_parity.inc"

TEST(VlmDeviceParity, LinksTheCudaBackend) { EXPECT_STREQ(hopelab::backend_name(), "cuda"); }
