#include "sim/backend.h"

#if defined(__CUDACC__)
#include <cuda_runtime.h>
#endif

namespace hopelab {

#if defined(__CUDACC__)

const char* backend_name() { return "cuda"; }

bool backend_device_available() {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    (void)cudaGetLastError();  // reset the last error, so later calls do not report it
    return false;
  }
  return count > 0;
}

#else

const char* backend_name() { return "cpu-omp"; }

bool backend_device_available() { return true; }

#endif

}  // namespace hopelab
