#pragma once
// OpenMP's default wait policy lets idle threads spin. On a machine shared with other work (a
// build, another job, a CPU-quota container) spinning threads wait for each other while the
// cores run someone else: a training step or a frame-match unit then takes ten to a hundred
// times longer (docs/perf.md, "Wait policy"). libgomp reads OMP_WAIT_POLICY once, when the
// program loads, so the program sets it by running itself again with the passive policy,
// unless the user chose a policy. OMP_WAIT_POLICY=active keeps spinning for a dedicated machine.

#include <unistd.h>

#include <cstdlib>
#include <string>

namespace hopelab::cli {

// Returns only when the policy is already set or running again failed (then nothing changes).
inline void run_with_passive_wait_policy(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr) return;
  if (setenv("OMP_WAIT_POLICY", "passive", 1) != 0) return;
  execv("/proc/self/exe", argv);
  unsetenv("OMP_WAIT_POLICY");  // execv failed: carry on as started
}

// The policy this process runs under, as benchmarks record it ("passive", "active", or the
// variable's text; "unset" when running again failed).
inline std::string wait_policy_name() {
  const char* policy = std::getenv("OMP_WAIT_POLICY");
  return policy == nullptr ? "unset" : policy;
}

}  // namespace hopelab::cli
