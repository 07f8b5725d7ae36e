#pragma once
// Which build of sim/ a library is: every sim library built twice (hopelab_sim / hopelab_sim_cuda,
// hopelab_vlm_device / hopelab_vlm_device_cuda) answers through these two functions, defined
// once in sim/backend.cpp (part of hopelab_sim and hopelab_sim_cuda). The hopelab program
// holds both builds and chooses at run time (sim/backend_registry.h); a test program links one.

namespace hopelab {

// "cpu-omp" or "cuda": the backend this library was compiled for.
const char* backend_name();

// Whether the backend can run here: always on CPU; on CUDA, whether a device is visible
// (false, not an abort, without a driver or a GPU).
bool backend_device_available();

}  // namespace hopelab
