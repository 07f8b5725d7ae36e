// Philox known answers on the host (Thrust on OpenMP).
static bool backend_available() { return true; }
#include "philox_kat_test.inc"
