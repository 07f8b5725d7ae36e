#include "sim/backend.h"

#include <fstream>
#include <string>

#include "sim/engines.h"

#if defined(__CUDACC__)
#include <cuda_runtime.h>
#endif

namespace hopelab {

namespace {

// The text after "key" up to the end of the first line of `path` that holds it, trimmed; "" when none.
std::string text_after(const char* path, const std::string& key) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    const size_t at = line.find(key);
    if (at == std::string::npos) continue;
    const size_t start = line.find_first_not_of(" \t:", at + key.size());
    if (start == std::string::npos) return "";
    const size_t end = line.find_last_not_of(" \t");
    return line.substr(start, end + 1 - start);
  }
  return "";
}

}  // namespace

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

namespace {

// 13000 -> "CUDA 13.0"
std::string cuda_version_text(int version) {
  return "CUDA " + std::to_string(version / 1000) + "." + std::to_string(version % 1000 / 10);
}

}  // namespace

DeviceDescription describe_device() {
  DeviceDescription d;
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess || count < 1) {
    d.problem = status != cudaSuccess ? std::string("cudaGetDeviceCount: ") + cudaGetErrorString(status)
                                      : std::string("cudaGetDeviceCount found no device");
    (void)cudaGetLastError();
    return d;
  }
  int device = 0, driver = 0, runtime = 0;
  cudaDeviceProp props{};
  if (cudaGetDevice(&device) != cudaSuccess || cudaGetDeviceProperties(&props, device) != cudaSuccess) {
    d.problem = std::string("cannot read the device's properties: ") + cudaGetErrorString(cudaGetLastError());
    return d;
  }
  (void)cudaDriverGetVersion(&driver);
  (void)cudaRuntimeGetVersion(&runtime);
  d.available = true;
  d.name = props.name;
  d.compute_capability = std::to_string(props.major) + "." + std::to_string(props.minor);
  // The kernel module's version line: "NVRM version: NVIDIA UNIX x86_64 Kernel Module  580.159.03  ..."
  std::string module = text_after("/proc/driver/nvidia/version", "Kernel Module");
  module = module.substr(0, module.find_first_of(" \t"));
  d.driver_version = (module.empty() ? std::string() : module + " ") + "(" + cuda_version_text(driver) + ")";
  d.runtime_version = cuda_version_text(runtime);
  return d;
}

#else

const char* backend_name() { return "cpu-omp"; }

bool backend_device_available() { return true; }

DeviceDescription describe_device() {
  DeviceDescription d;
  d.available = true;
  d.name = text_after("/proc/cpuinfo", "model name");
  if (d.name.empty()) d.name = "unknown";
  d.compute_capability = "none";
  d.driver_version = "none";
#if defined(_OPENMP)
  d.runtime_version = "OpenMP " + std::to_string(_OPENMP);
#else
  d.runtime_version = "none";
#endif
  return d;
}

#endif

}  // namespace hopelab
