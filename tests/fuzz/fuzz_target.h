#pragma once
// The fuzzed entry point shared by a libFuzzer harness (clang) and the deterministic driver
// (fuzz_driver.cpp, any compiler). Each target is its own executable: safetensors_fuzz.cpp (byte 0
// picks the parser, even: safetensors, odd: config.json; the rest is the file),
// results_fuzz.cpp (a results file), spec_fuzz.cpp (a spec's TOML text).

#include <cstddef>
#include <cstdint>

namespace hopelab {

enum class FuzzOutcome { accepted, refused };

// Parses; an accepted input must also survive a write-and-read round trip unchanged (abort
// otherwise). InputError means refused; any other exception or crash is a bug.
FuzzOutcome fuzz_one_input(const std::uint8_t* data, std::size_t size);

// Where the input holds an 8-byte little-endian length the driver should also edit (the
// safetensors header length), or -1.
long fuzz_length_field(const std::uint8_t* data, std::size_t size);

}  // namespace hopelab
