// The CPUs a process may use (experiments/app/available_cpus.h): /proc/self/cgroup's paths for
// cgroup v1 and v2, quotas rounded up to whole CPUs, no limit for "max", -1 or malformed text,
// and the walk from a group to the root. Each parser has a twin input it must refuse.
#include "available_cpus.h"

#include <gtest/gtest.h>
#include <sched.h>

namespace hopelab::cli {
namespace {

TEST(AvailableCpus, ReadsBothHierarchiesOfProcCgroup) {
  const CgroupPaths v2 = parse_proc_cgroup("0::/user.slice/job-7\n");
  EXPECT_EQ(v2.unified, "/user.slice/job-7");
  EXPECT_FALSE(v2.cpu_v1.has_value());
  const CgroupPaths v1 = parse_proc_cgroup("9:memory:/m\n4:cpu,cpuacct:/docker/abc\n0::/\n");
  EXPECT_EQ(v1.cpu_v1, "/docker/abc");
  EXPECT_EQ(v1.unified, "/");
  // Twins: "cpuset" is not "cpu", and a line without a path names nothing.
  const CgroupPaths none = parse_proc_cgroup("3:cpuset:/x\n2:cpu\n");
  EXPECT_FALSE(none.cpu_v1.has_value());
  EXPECT_FALSE(none.unified.has_value());
}

TEST(AvailableCpus, QuotasRoundUpToWholeCpus) {
  EXPECT_EQ(cpus_of_cpu_max("200000 100000\n"), 2);
  EXPECT_EQ(cpus_of_cpu_max("150000 100000"), 2);  // 1.5 CPUs keep two threads busy part time
  EXPECT_EQ(cpus_of_cpu_max("50000 100000"), 1);
  EXPECT_EQ(cpus_of_cfs("400000\n", "100000\n"), 4);
  // No limit, or not a quota.
  EXPECT_FALSE(cpus_of_cpu_max("max 100000").has_value());
  EXPECT_FALSE(cpus_of_cpu_max("100000").has_value());
  EXPECT_FALSE(cpus_of_cpu_max("1e5 100000").has_value());
  EXPECT_FALSE(cpus_of_cpu_max("100000 0").has_value());
  EXPECT_FALSE(cpus_of_cpu_max("100000 100000 7").has_value());
  EXPECT_FALSE(cpus_of_cfs("-1", "100000").has_value());
  EXPECT_FALSE(cpus_of_cfs("99999999999999999999", "1").has_value());
}

TEST(AvailableCpus, WalksFromTheGroupToTheRoot) {
  EXPECT_EQ(group_and_ancestors("/a/b/"), (std::vector<std::string>{"/a/b", "/a", "/"}));
  EXPECT_EQ(group_and_ancestors("/"), std::vector<std::string>{"/"});
  EXPECT_NE(group_and_ancestors("/a/b"), (std::vector<std::string>{"/a/b", "/"}));  // twin: a skipped level
}

TEST(AvailableCpus, IsAtLeastOneAndAtMostTheAffinityMask) {
  const int cpus = available_cpus();
  EXPECT_GE(cpus, 1);
  cpu_set_t set;
  CPU_ZERO(&set);
  ASSERT_EQ(sched_getaffinity(0, sizeof set, &set), 0);
  EXPECT_LE(cpus, CPU_COUNT(&set));
}

}  // namespace
}  // namespace hopelab::cli
