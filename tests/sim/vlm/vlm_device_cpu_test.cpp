// The VLM device backend's CPU build (Thrust OpenMP) against the host model.
static bool backend_available() { return true; }
static const char* expected_backend_name() { return "cpu-omp"; }
#include "vlm_device_parity.inc"
