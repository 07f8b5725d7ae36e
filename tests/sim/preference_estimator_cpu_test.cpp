// Monte Carlo expected preference on the CPU backend (Thrust on OpenMP).
static bool backend_available() { return true; }
#include "preference_estimator_parity.inc"
