#pragma once
// The one registry of backends and the choice among them, made at run time: "cpu" is the
// OpenMP build linked into the program (hopelab_sim, the host VLM); "cuda" is the shared module
// libhopelab_cuda.so (sim/cuda/cuda_module.cpp: hopelab_sim_cuda and the VLM's device backend),
// loaded with dlopen() only when chosen, so CPU runs never load the CUDA runtime or cuBLAS;
// "auto" is cuda when an NVIDIA driver is present, the module loads and it sees a device, and
// cpu otherwise (docs/architecture.md, "Choosing a backend").

#include <cstdint>
#include <string>

#include "sim/engines.h"

namespace hopelab {

enum class BackendChoice : std::uint8_t { automatic, cpu, cuda };

// "auto", "cpu" or "cuda". Throws InputError naming `what` and the value otherwise.
BackendChoice parse_backend_choice(const std::string& text, const std::string& what);

// Resolves `choice`, loading the CUDA module if it is needed, and makes the result the current
// backend. Throws InputError with one line for cuda where this build has no CUDA module, the
// module does not load, or no device is visible.
const Engines& use_backend(BackendChoice choice);

// The current backend: the last use_backend's, the CPU's before any.
const Engines& current_backend();

// Where the CUDA module is looked for: $HOPELAB_CUDA_MODULE when set, else libhopelab_cuda.so
// beside the running executable.
std::string cuda_module_path();

}  // namespace hopelab
