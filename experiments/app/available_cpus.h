#pragma once
// How many CPUs this process may use: the affinity mask's count, capped by a CPU quota of its
// control group (a container's or a batch job's `cpu.max` in cgroup v2, `cpu.cfs_quota_us` /
// `cpu.cfs_period_us` in v1, on its own group or any ancestor). OpenMP counts the affinity mask
// but not the quota, so in a container limited to 2 CPUs of a 64-core node it would start 64
// threads that take turns on 2 CPUs. thread_environment.h sets OMP_NUM_THREADS from it when the user did not.

#include <optional>
#include <string>
#include <vector>

namespace hopelab::cli {

// The group paths of /proc/self/cgroup's text: the unified (v2) one ("0::PATH"), and the v1
// hierarchy whose controllers include "cpu" ("N:cpu,cpuacct:PATH"). Missing ones are empty.
struct CgroupPaths {
  std::optional<std::string> unified, cpu_v1;
};
CgroupPaths parse_proc_cgroup(const std::string& text);

// CPUs a quota allows, rounded up: v2 "QUOTA PERIOD" or "max PERIOD"; v1 quota and period files'
// texts (quota -1: none). None for no limit or text that is not a quota.
std::optional<int> cpus_of_cpu_max(const std::string& text);
std::optional<int> cpus_of_cfs(const std::string& quota_text, const std::string& period_text);

// The group directories from `path` up to the hierarchy's root, e.g. "/a/b" -> "/a/b", "/a", "/".
std::vector<std::string> group_and_ancestors(const std::string& path);

// min(affinity CPUs, the tightest quota on the way to the root), at least 1. Reads /proc and
// /sys/fs/cgroup; anything unreadable counts as no limit.
int available_cpus();
// available_cpus() when a quota makes it smaller than the affinity mask's count, else 0.
int quota_limited_cpus();

}  // namespace hopelab::cli
