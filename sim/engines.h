#pragma once
// One backend's engines as a table of entry points: every engine a computing command calls,
// whichever backend runs it. Each build of sim/ (hopelab_sim: Thrust on OpenMP; hopelab_sim_cuda:
// the same sources under nvcc) fills one with its own functions (this_build_engines,
// sim/engines.cpp); sim/backend_registry.h holds the backends and says which one is current.
// The engines are plain functions: they know no table and no caller.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/fma_peak.h"
#include "sim/preference_estimator.h"
#include "sim/retrieval.h"
#include "sim/win_probability.h"

namespace hopelab {

class VlmModel;
class VlmRunner;

// The device a backend computes on, as results files record it (docs/hdf5-format.md).
struct DeviceDescription {
  bool available = false;           // the backend can run here
  std::string problem;              // why not, when !available
  std::string name;                 // GPU name, or the CPU's model name
  std::string compute_capability;   // "9.0"; "none" on the CPU
  std::string driver_version;       // "580.159.03 (CUDA 13.0)"; "none" on the CPU
  std::string runtime_version;      // "CUDA 13.0"; "OpenMP 201511" on the CPU
};

// Changes whenever Engines changes: a CUDA module built from another version is refused.
constexpr int kEnginesAbiVersion = 1;

struct Engines {
  int abi_version = kEnginesAbiVersion;
  std::size_t size = sizeof(Engines);
  const char* name = nullptr;  // backend_name(): "cpu-omp" or "cuda"
  DeviceDescription (*describe_device)() = nullptr;

  std::vector<double> (*preference_sweep)(const Method&, const std::vector<Offset3>& offsets,
                                          const std::vector<double>& weights) = nullptr;
  PairProductMoments (*accumulate_pair_products)(const Method&, const PreferenceSampling&) = nullptr;
  std::vector<PreferenceEstimate> (*estimate_preference)(const Method&, const PairProductMoments&,
                                                         const std::vector<Offset3>& offsets,
                                                         PhasePrecision) = nullptr;
  std::vector<WinEstimate> (*estimate_win_probability)(const Method&, const PreferenceSampling&,
                                                       const std::vector<Offset3>& offsets, PhasePrecision,
                                                       WinTiming* timing) = nullptr;
  RetrievalEstimate (*estimate_retrieval)(const Method&, const PreferenceSampling&, const RetrievalSetup&,
                                          PhasePrecision) = nullptr;
  FmaRate (*measure_fma_peak_float)(std::int64_t iterations, int repeats) = nullptr;
  FmaRate (*measure_fma_peak_double)(std::int64_t iterations, int repeats) = nullptr;

  // The VLM's forward on this backend (sim/vlm/vlm_runner.h); model must outlive the runner.
  // Set by whoever assembles the backend: the host model on the CPU, the device model on CUDA.
  std::unique_ptr<VlmRunner> (*vlm_runner)(const VlmModel& model) = nullptr;
};

// This build's engines (every entry but vlm_runner).
Engines this_build_engines();

// This build's device: the CPU's model name and OpenMP version, or the current CUDA device's
// name, compute capability and driver and runtime versions (available false, with the reason,
// when none is visible). Defined in sim/backend.cpp.
DeviceDescription describe_device();

}  // namespace hopelab
