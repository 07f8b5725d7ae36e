// current_provenance(): this build's and this machine's fields of a results file.
#include <unistd.h>

#include <ctime>
#include <fstream>

#include "results/build_info.h"
#include "results/results_file.h"
#include "sim/preference_sweep.h"

namespace hopelab::results {

namespace {

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "unknown";
  return name;
}

// The "model name" line of /proc/cpuinfo, "unknown" when there is none.
std::string cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) != 0) continue;
    const size_t colon = line.find(':');
    if (colon == std::string::npos) break;
    const size_t start = line.find_first_not_of(" \t", colon + 1);
    return start == std::string::npos ? "unknown" : line.substr(start);
  }
  return "unknown";
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm parts{};
  gmtime_r(&now, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

}  // namespace

const char* build_version() { return HOPELAB_VERSION; }
const char* build_instruction_set() { return HOPELAB_INSTRUCTION_SET; }

Provenance current_provenance() {
  Provenance p;
  p.hopelab_version = build_version();
  p.git_commit = build_git_commit();
  p.git_dirty = build_git_dirty();
  p.created_utc = utc_now();
  p.host = host_name();
  p.backend = backend_name();
  // The CUDA backend's GPU name is not read yet; its host CPU is recorded instead.
  p.device = cpu_model();
  p.instruction_set = build_instruction_set();
  return p;
}

}  // namespace hopelab::results
