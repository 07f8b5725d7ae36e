// The VLM device backend's CPU build (Thrust OpenMP) against the host model.
static bool backend_available() { return true; }
#include "vlm_device_parity.inc"

TEST(VlmDeviceParity, LinksTheCpuBackend) { EXPECT_STREQ(hopelab::backend_name(), "cpu-omp"); }
