#pragma once
// The OpenMP environment the program runs under, set before OpenMP starts (libgomp reads it
// once, when the program loads) by running the program again with it, for what the user did not
// set themselves:
// - OMP_WAIT_POLICY=passive. The default lets idle threads spin. On a machine shared with other
//   work (a build, another job, a CPU-quota container) spinning threads wait for each other while
//   the cores run someone else: a training step or a frame-match unit then takes ten to a hundred
//   times longer (docs/perf.md, "Wait policy"). OMP_WAIT_POLICY=active keeps spinning for a
//   dedicated machine.
// - OMP_NUM_THREADS=n when a cgroup CPU quota allows fewer CPUs than the affinity mask
//   (available_cpus.h): OpenMP would otherwise start a thread per CPU of the node.

#include <unistd.h>

#include <cstdlib>
#include <string>

#include "available_cpus.h"

namespace hopelab::cli {

// Returns only when nothing needs setting or running again failed (then nothing changes).
inline void run_with_thread_environment(char** argv) {
  const bool set_policy = std::getenv("OMP_WAIT_POLICY") == nullptr;
  const int quota_cpus = std::getenv("OMP_NUM_THREADS") == nullptr ? quota_limited_cpus() : 0;
  if (!set_policy && quota_cpus == 0) return;
  if (set_policy && setenv("OMP_WAIT_POLICY", "passive", 1) != 0) return;
  if (quota_cpus > 0 && setenv("OMP_NUM_THREADS", std::to_string(quota_cpus).c_str(), 1) != 0) return;
  execv("/proc/self/exe", argv);
  if (set_policy) unsetenv("OMP_WAIT_POLICY");  // execv failed: carry on as started
  if (quota_cpus > 0) unsetenv("OMP_NUM_THREADS");
}

// The policy this process runs under, as benchmarks record it ("passive", "active", or the
// variable's text; "unset" when running again failed).
inline std::string wait_policy_name() {
  const char* policy = std::getenv("OMP_WAIT_POLICY");
  return policy == nullptr ? "unset" : policy;
}

}  // namespace hopelab::cli
