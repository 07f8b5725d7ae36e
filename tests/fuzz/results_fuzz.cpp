// Fuzz target over the results-file reader (experiments/results/results_file_read.cpp), built by
// tests/fuzz/CMakeLists.txt with its sources compiled in (so sanitizers instrument them). libhdf5
// reads files by name: each input is written to a temporary file first. An accepted file must
// survive a write-and-read round trip unchanged (but for its format version, the writer's own). The reader runs its own forked child first
// (results/isolated_read.h): a libhdf5 crash there is a refusal (so is an ASan report that
// libhdf5 causes, library_fault.h), while any other end of the child (a sanitizer's report in the
// reader's own code) escapes as a non-InputError and fails.

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "fuzz_target.h"
#include "library_fault.h"
#include "results/results_file.h"
#include "theory/input_error.h"

namespace hopelab {
namespace {

[[noreturn]] void invariant_broken(const char* what) {
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::abort();
}

std::string temporary(const char* tag) {
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir && *dir ? dir : "/tmp") + "/hopelab-fuzz-" + tag + "-" + std::to_string(::getpid()) + ".h5";
}

}  // namespace

FuzzOutcome fuzz_one_input(const std::uint8_t* data, std::size_t size) {
  static const bool watching = (fuzz::watch_children_for_library_faults(), true);
  (void)watching;
  const std::string input = temporary("in"), copy = temporary("copy");
  {
    std::ofstream out(input, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out.flush()) invariant_broken("cannot write the input to a temporary file");
  }
  FuzzOutcome outcome = FuzzOutcome::accepted;
  try {
    const results::ResultsFile first = results::read_results_file(input);
    results::write_results_file(copy, first.provenance, first.records, true);
    const results::ResultsFile second = results::read_results_file(copy);
    results::ResultsFile expected = first;  // as read, but in the writer's own format version
    expected.format_version.assign(results::kFormatVersion.begin(), results::kFormatVersion.end());
    if (!results::same_content(expected, second)) invariant_broken("a results file changed in a round trip");
  } catch (const InputError&) {
    outcome = FuzzOutcome::refused;
  }
  std::remove(input.c_str());
  std::remove(copy.c_str());
  return outcome;
}

long fuzz_length_field(const std::uint8_t*, std::size_t) { return -1; }

}  // namespace hopelab

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  hopelab::fuzz_one_input(data, size);
  return 0;
}
