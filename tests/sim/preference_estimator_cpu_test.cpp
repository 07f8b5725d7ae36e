// Monte Carlo expected preference on the CPU backend (Thrust on OpenMP).
#include "sim/preference_sweep.h"
static bool backend_available() { return true; }
#include "preference_estimator_parity.inc"

TEST(PreferenceEstimatorParity, LinksTheCpuBackend) { EXPECT_STREQ(hopelab::backend_name(), "cpu-omp"); }
