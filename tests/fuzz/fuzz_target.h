#pragma once
// The fuzzed entry point shared by the libFuzzer harness (safetensors_fuzz.cpp, clang) and the
// deterministic driver (fuzz_driver.cpp, any compiler). Input: byte 0 picks the parser (even:
// safetensors, odd: config.json); the rest is the file.

#include <cstddef>
#include <cstdint>

namespace hopelab {

enum class FuzzOutcome { accepted, refused };

// Parses; an accepted input must also survive a write-and-read round trip unchanged (abort
// otherwise). InputError means refused; any other exception or crash is a bug.
FuzzOutcome fuzz_one_input(const std::uint8_t* data, std::size_t size);

}  // namespace hopelab
