// The empirical law on the CUDA backend; skipped without a device.
#include "sim/preference_sweep.h"
static bool backend_available() { return hopelab::backend_device_available(); }
#include "empirical_parity.inc"

TEST(EmpiricalParity, LinksTheCudaBackend) { EXPECT_STREQ(hopelab::backend_name(), "cuda"); }
