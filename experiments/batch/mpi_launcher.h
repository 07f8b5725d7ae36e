#pragma once
// Whether an MPI launcher started this process, read from the variables launchers set: mpirun /
// mpiexec of Open MPI (OMPI_COMM_WORLD_SIZE), of MPICH (PMI_SIZE), and srun with a PMI plugin
// (PMI_RANK, PMIX_RANK; the count from SLURM_STEP_NUM_TASKS).

#include <cstdlib>
#include <string>

namespace hopelab::batch::mpi {

// 0 when no launcher started this process; else the number of processes it started (1 when it
// does not say).
inline int launcher_processes() {
  const auto count = [](const char* name) {
    const char* text = std::getenv(name);
    if (text == nullptr) return 0;
    char* end = nullptr;
    const long n = std::strtol(text, &end, 10);
    return end != text && *end == '\0' && n >= 1 && n <= (1 << 24) ? static_cast<int>(n) : 1;
  };
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"}) {
    if (const int n = count(name)) return n;
  }
  if (std::getenv("PMIX_RANK") != nullptr || std::getenv("PMI_RANK") != nullptr) {
    const int n = count("SLURM_STEP_NUM_TASKS");
    return n > 0 ? n : 1;
  }
  return 0;
}

}  // namespace hopelab::batch::mpi
