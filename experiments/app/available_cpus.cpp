#include "available_cpus.h"

#include <sched.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace hopelab::cli {
namespace {

// A whole decimal number of at most 18 digits, or none.
std::optional<long long> whole_number(const std::string& text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  return std::stoll(text);
}

std::optional<int> cpus_of_quota(long long quota, long long period) {
  if (quota <= 0 || period <= 0) return std::nullopt;
  const long long cpus = (quota + period - 1) / period;  // a quota of 1.5 CPUs keeps 2 busy
  return static_cast<int>(std::min<long long>(cpus, 1 << 20));
}

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\n");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\n") - first + 1);
}

// A small file's text (the first 4 KiB), or none.
std::optional<std::string> read_small(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::string text(4096, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

int affinity_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
  return std::max(1, CPU_COUNT(&set));
}

}  // namespace

CgroupPaths parse_proc_cgroup(const std::string& text) {
  CgroupPaths out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {  // "ID:CONTROLLERS:PATH"
    const auto a = line.find(':');
    const auto b = a == std::string::npos ? a : line.find(':', a + 1);
    if (b == std::string::npos) continue;
    const std::string controllers = line.substr(a + 1, b - a - 1), path = line.substr(b + 1);
    if (path.empty() || path[0] != '/') continue;
    if (line.compare(0, a, "0") == 0 && controllers.empty()) {
      out.unified = path;
      continue;
    }
    std::istringstream names(controllers);
    std::string name;
    while (std::getline(names, name, ',')) {
      if (name == "cpu") out.cpu_v1 = path;
    }
  }
  return out;
}

std::optional<int> cpus_of_cpu_max(const std::string& text) {
  std::istringstream in(trimmed(text));
  std::string quota, period, rest;
  if (!(in >> quota >> period) || (in >> rest) || quota == "max") return std::nullopt;
  const auto q = whole_number(quota), p = whole_number(period);
  if (!q || !p) return std::nullopt;
  return cpus_of_quota(*q, *p);
}

std::optional<int> cpus_of_cfs(const std::string& quota_text, const std::string& period_text) {
  const auto q = whole_number(trimmed(quota_text)), p = whole_number(trimmed(period_text));
  if (!q || !p) return std::nullopt;  // "-1" (no quota) is not a whole number
  return cpus_of_quota(*q, *p);
}

std::vector<std::string> group_and_ancestors(const std::string& path) {
  std::vector<std::string> out;
  std::string p = path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  for (int depth = 0; depth < 64 && !p.empty(); ++depth) {
    out.push_back(p);
    if (p == "/") break;
    const auto slash = p.find_last_of('/');
    p = slash == 0 ? "/" : p.substr(0, slash);
  }
  return out;
}

int available_cpus() {
  int cpus = affinity_cpus();
  const std::optional<std::string> text = read_small("/proc/self/cgroup");
  if (!text) return cpus;
  const CgroupPaths paths = parse_proc_cgroup(*text);
  auto cap = [&](std::optional<int> limit) {
    if (limit) cpus = std::min(cpus, std::max(1, *limit));
  };
  if (paths.unified) {
    for (const std::string& root : {std::string("/sys/fs/cgroup"), std::string("/sys/fs/cgroup/unified")}) {
      for (const std::string& group : group_and_ancestors(*paths.unified)) {
        if (const auto max = read_small(root + (group == "/" ? "" : group) + "/cpu.max")) cap(cpus_of_cpu_max(*max));
      }
    }
  }
  if (paths.cpu_v1) {
    for (const std::string& root : {std::string("/sys/fs/cgroup/cpu"), std::string("/sys/fs/cgroup/cpu,cpuacct")}) {
      for (const std::string& group : group_and_ancestors(*paths.cpu_v1)) {
        const std::string dir = root + (group == "/" ? "" : group);
        const auto quota = read_small(dir + "/cpu.cfs_quota_us"), period = read_small(dir + "/cpu.cfs_period_us");
        if (quota && period) cap(cpus_of_cfs(*quota, *period));
      }
    }
  }
  return cpus;
}

int quota_limited_cpus() {
  const int cpus = available_cpus();
  return cpus < affinity_cpus() ? cpus : 0;
}

}  // namespace hopelab::cli
