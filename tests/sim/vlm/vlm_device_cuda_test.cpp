// The VLM device backend's CUDA build against the host model; skipped without a device.
#include "sim/vlm/device/device_model.h"
static bool backend_available() { return hopelab::backend_device_available(); }
static const char* expected_backend_name() { return "cuda"; }
#include "vlm_device_parity.inc"
