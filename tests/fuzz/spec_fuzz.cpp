// Fuzz target over the spec reader (experiments/batch/spec.cpp, parse_spec_text): a TOML text is
// accepted (every unit built and checked) or refused with InputError; anything else is a bug.

#include <string>

#include "batch/spec.h"
#include "fuzz_target.h"
#include "theory/input_error.h"

namespace hopelab {

FuzzOutcome fuzz_one_input(const std::uint8_t* data, std::size_t size) {
  try {
    batch::parse_spec_text(std::string(data, data + size), "fuzz.toml");
  } catch (const InputError&) {
    return FuzzOutcome::refused;
  }
  return FuzzOutcome::accepted;
}

long fuzz_length_field(const std::uint8_t*, std::size_t) { return -1; }

}  // namespace hopelab

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  hopelab::fuzz_one_input(data, size);
  return 0;
}
