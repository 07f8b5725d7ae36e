// libhopelab_cuda.so: the CUDA backend as a module that sim/backend_registry.cpp dlopen()s when
// a run chooses it. Its one exported symbol hands out the CUDA build's engines (hopelab_sim_cuda)
// with the VLM's device backend (hopelab_vlm_device_cuda, cuBLAS); every other symbol is local
// to the module (cuda_module.map), so its copies of the engines never meet the program's CPU ones.

#include "sim/engines.h"
#include "sim/vlm/device/device_runner.h"

extern "C" __attribute__((visibility("default"))) const hopelab::Engines* hopelab_cuda_engines(int abi_version) {
  static const hopelab::Engines engines = [] {
    hopelab::Engines e = hopelab::this_build_engines();
    e.vlm_runner = hopelab::device_vlm_runner;
    return e;
  }();
  return abi_version == hopelab::kEnginesAbiVersion ? &engines : nullptr;
}
