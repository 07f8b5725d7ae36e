// Monte Carlo expected preference on the CUDA backend; skipped without a device.
#include "sim/preference_sweep.h"
static bool backend_available() { return hopelab::backend_device_available(); }
#include "preference_estimator_parity.inc"

TEST(PreferenceEstimatorParity, LinksTheCudaBackend) { EXPECT_STREQ(hopelab::backend_name(), "cuda"); }
