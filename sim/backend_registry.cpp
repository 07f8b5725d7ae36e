#include "sim/backend_registry.h"

#include <dlfcn.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <mutex>

#include "sim/vlm/vlm_runner.h"
#include "theory/input_error.h"

namespace hopelab {

namespace {

// The CUDA module's one exported symbol (sim/cuda/cuda_module.cpp).
using ModuleEntry = const Engines* (*)(int abi_version);
constexpr const char* kModuleEntry = "hopelab_cuda_engines";

const Engines& cpu_engines() {
  static const Engines engines = [] {
    Engines e = this_build_engines();
    e.vlm_runner = host_vlm_runner;
    return e;
  }();
  return engines;
}

std::atomic<const Engines*> current{nullptr};

// An NVIDIA driver on this machine (its device nodes or its /proc entry; /dev/dxg under WSL). Without
// one, auto is the CPU at once and the module is never loaded.
bool nvidia_driver_present() {
  for (const char* path : {"/dev/nvidiactl", "/proc/driver/nvidia/version", "/dev/dxg"}) {
    if (access(path, F_OK) == 0) return true;
  }
  return false;
}

struct ModuleLoad {
  const Engines* engines = nullptr;
  std::string problem;  // when engines is null
};

// dlopen()s the module once per process; later calls return the first answer.
const ModuleLoad& load_cuda_module() {
  static const ModuleLoad load = [] {
    ModuleLoad out;
    const std::string path = cuda_module_path();
    if (access(path.c_str(), F_OK) != 0) {
      out.problem = "this hopelab has no CUDA backend (no " + path + "; it is built where nvcc is found)";
      return out;
    }
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* why = dlerror();
      out.problem = "cannot load " + path + ": " + (why ? why : "unknown error");
      return out;
    }
    const auto entry = reinterpret_cast<ModuleEntry>(dlsym(handle, kModuleEntry));
    const Engines* engines = entry != nullptr ? entry(kEnginesAbiVersion) : nullptr;
    if (engines == nullptr || engines->size != sizeof(Engines)) {
      out.problem = path + " is not a CUDA module of this hopelab build (rebuild it with this one)";
      return out;
    }
    out.engines = engines;  // the module stays loaded for the life of the process
    return out;
  }();
  return load;
}

}  // namespace

BackendChoice parse_backend_choice(const std::string& text, const std::string& what) {
  if (text == "auto") return BackendChoice::automatic;
  if (text == "cpu") return BackendChoice::cpu;
  if (text == "cuda") return BackendChoice::cuda;
  throw InputError(what + " must be auto, cpu or cuda, got '" + text + "'");
}

std::string cuda_module_path() {
  const char* over = std::getenv("HOPELAB_CUDA_MODULE");
  if (over != nullptr && *over != '\0') return over;
  char exe[4096];
  const ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  std::string dir = ".";
  if (n > 0) {
    const std::string self(exe, static_cast<size_t>(n));
    const size_t slash = self.find_last_of('/');
    if (slash != std::string::npos) dir = self.substr(0, slash);
  }
  return dir + "/libhopelab_cuda.so";
}

const Engines& use_backend(BackendChoice choice) {
  static std::mutex choosing;
  const std::lock_guard<std::mutex> lock(choosing);
  const Engines* chosen = &cpu_engines();
  if (choice == BackendChoice::cuda) {
    const ModuleLoad& load = load_cuda_module();
    if (load.engines == nullptr) throw InputError("backend cuda: " + load.problem);
    const DeviceDescription device = load.engines->describe_device();
    if (!device.available) throw InputError("backend cuda: no CUDA device is visible (" + device.problem + ")");
    chosen = load.engines;
  } else if (choice == BackendChoice::automatic && nvidia_driver_present()) {
    const ModuleLoad& load = load_cuda_module();
    if (load.engines != nullptr && load.engines->describe_device().available) chosen = load.engines;
  }
  current.store(chosen);
  return *chosen;
}

const Engines& current_backend() {
  const Engines* e = current.load();
  return e != nullptr ? *e : cpu_engines();
}

}  // namespace hopelab
