#pragma once
// Whether other work shares the CPU while a benchmark runs: the 1-minute load average against
// the cores this process may use. Above it, timings are slow and a share of the FMA peak (which
// is calibrated under the same load) can read above 100 %, so `hopelab bench mc` warns.

#include <sched.h>
#include <stdlib.h>

#include <cstdio>
#include <iostream>
#include <string>

namespace hopelab::cli {

struct MachineLoad {
  double load_average = -1.0;  // 1 minute; -1 when unknown
  int cores = 1;               // CPUs this process may run on
  bool loaded() const { return load_average > cores; }
};

inline MachineLoad machine_load() {
  MachineLoad m;
  double load[1] = {0.0};
  if (getloadavg(load, 1) == 1) m.load_average = load[0];
  cpu_set_t set;
  CPU_ZERO(&set);
  m.cores = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
  return m;
}

// One warning line on stderr when the machine is loaded (before or after the timings: `when`).
inline void warn_if_loaded(const MachineLoad& m, const std::string& when) {
  if (!m.loaded()) return;
  char average[32];
  std::snprintf(average, sizeof average, "%.2f", m.load_average);
  std::cerr << "hopelab: warning: load average " << average << " " << when << " exceeds the "
            << m.cores << " cores: other work shares the CPU, so these timings are slow and the share of the peak "
            << "is not a property of this build\n";
}

}  // namespace hopelab::cli
