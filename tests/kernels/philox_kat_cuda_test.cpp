// Philox known answers on the GPU; skipped without a device.
#include "sim/preference_sweep.h"
static bool backend_available() { return hopelab::backend_device_available(); }
#include "philox_kat_test.inc"

TEST(PhiloxKnownAnswers, LinksTheCudaBackend) { EXPECT_STREQ(hopelab::backend_name(), "cuda"); }
