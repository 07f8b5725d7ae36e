// current_provenance(): this build's and this machine's fields of a results file.
#include <unistd.h>

#include <ctime>

#include "results/build_info.h"
#include "results/results_file.h"
#include "sim/backend_registry.h"

namespace hopelab::results {

namespace {

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "unknown";
  return name;
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
  const Engines& backend = current_backend();
  const DeviceDescription device = backend.describe_device();
  p.backend = backend.name;
  p.device = device.name;
  p.compute_capability = device.compute_capability;
  p.driver_version = device.driver_version;
  p.runtime_version = device.runtime_version;
  p.instruction_set = build_instruction_set();
  return p;
}

}  // namespace hopelab::results
