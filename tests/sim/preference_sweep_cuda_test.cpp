// preference_sweep_test.inc on the CUDA backend (hopelab_sim_cuda), compiled by nvcc. Skipped,
// not failed, where no GPU is visible.
#define HOPELAB_EXPECTED_BACKEND "cuda"
#include "preference_sweep_test.inc"

TEST(PreferenceSweep, NamesItsBackend) { EXPECT_STREQ(hopelab::backend_name(), HOPELAB_EXPECTED_BACKEND); }
