// The empirical law on the CPU backend (Thrust on OpenMP).
#include "sim/preference_sweep.h"
static bool backend_available() { return true; }
#include "empirical_parity.inc"

TEST(EmpiricalParity, LinksTheCpuBackend) { EXPECT_STREQ(hopelab::backend_name(), "cpu-omp"); }
