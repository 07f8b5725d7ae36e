// libFuzzer harness over the in-memory safetensors parser and the config.json parsers
// (experiments/vlm/safetensors.cpp, config_json.cpp, rotary_config.cpp), built by
// tests/fuzz/CMakeLists.txt with clang++ -fsanitize=fuzzer,address,undefined; fuzz_driver.cpp
// runs the same function without clang.

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "fuzz_target.h"
#include "theory/input_error.h"
#include "vlm/config_json.h"
#include "vlm/rotary_config.h"
#include "vlm/half_float.h"
#include "vlm/safetensors.h"

namespace hopelab {
namespace {

[[noreturn]] void invariant_broken(const char* what) {
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::abort();
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (float_bits(a[i]) != float_bits(b[i]) && !(a[i] != a[i] && b[i] != b[i]))
      return false;  // NaN payloads may differ
  }
  return true;
}

void check_safetensors_round_trip(const SafetensorsContents& first) {
  const std::vector<std::uint8_t> bytes = serialize_safetensors(first, Dtype::f32);
  const SafetensorsContents second = parse_safetensors(bytes.data(), bytes.size(), "rewritten");
  if (second.metadata != first.metadata) invariant_broken("metadata changed in a round trip");
  if (second.floats.size() != first.floats.size() || second.integers.size() != first.integers.size()) {
    invariant_broken("tensor count changed in a round trip");
  }
  for (const auto& [name, t] : first.floats) {
    const auto it = second.floats.find(name);
    if (it == second.floats.end() || it->second.shape != t.shape || !same_bits(it->second.data, t.data)) {
      invariant_broken("float tensor changed in a round trip");
    }
  }
  for (const auto& [name, t] : first.integers) {
    const auto it = second.integers.find(name);
    if (it == second.integers.end() || it->second.shape != t.shape || it->second.data != t.data) {
      invariant_broken("integer tensor changed in a round trip");
    }
  }
}

void check_config_round_trip(const VlmConfig& first) {
  const VlmConfig second = parse_config_json(config_json_text(first, "float32"), "rewritten");
  if (config_json_text(second, "float32") != config_json_text(first, "float32"))
    invariant_broken("config changed in a round trip");
}

}  // namespace

FuzzOutcome fuzz_one_input(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return FuzzOutcome::refused;
  const std::uint8_t* file = data + 1;
  const std::size_t file_size = size - 1;
  try {
    if (data[0] % 2 == 0) {
      check_safetensors_round_trip(parse_safetensors(file, file_size, "fuzz.safetensors"));
    } else {
      const std::string text(file, file + file_size);
      try {
        parse_model_rotary(text, "fuzz/config.json");  // --config's reader of the same file
      } catch (const InputError&) {
      }
      check_config_round_trip(parse_config_json(text, "fuzz/config.json"));
    }
  } catch (const InputError&) {
    return FuzzOutcome::refused;
  }
  return FuzzOutcome::accepted;
}

long fuzz_length_field(const std::uint8_t* data, std::size_t size) { return size >= 9 && data[0] % 2 == 0 ? 1 : -1; }

}  // namespace hopelab

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  hopelab::fuzz_one_input(data, size);
  return 0;
}
