// preference_sweep_test.inc on the CPU backend (hopelab_sim: Thrust on OpenMP).
#define HOPELAB_EXPECTED_BACKEND "cpu-omp"
#include "preference_sweep_test.inc"

TEST(PreferenceSweep, NamesItsBackend) { EXPECT_STREQ(hopelab::backend_name(), HOPELAB_EXPECTED_BACKEND); }
