#include "vlm/optimizer_file.h"

#include <cmath>
#include <cstdint>
#include <string>

#include "theory/input_error.h"
#include "vlm/safetensors.h"

namespace hopelab {
namespace {

constexpr const char* kFirst = "exp_avg.";
constexpr const char* kSecond = "exp_avg_sq.";
constexpr std::int64_t kMaxStep = 1000000000000;

[[noreturn]] void fail(const std::string& path, const std::string& what) { throw InputError(path + ": " + what); }

}  // namespace

void write_optimizer_file(const std::string& path, const AdamWState& state) {
  SafetensorsContents out;
  out.metadata = {{"format", "hopelab-adamw"}, {"step", std::to_string(state.step)}};
  for (const auto& [name, t] : state.first_moment) out.floats[kFirst + name] = t;
  for (const auto& [name, t] : state.second_moment) out.floats[kSecond + name] = t;
  write_safetensors(path, out, Dtype::f32);
}

AdamWState read_optimizer_file(const std::string& path, const TensorMap& parameters) {
  SafetensorsContents file = read_safetensors(path);
  for (const auto& [name, dtype] : file.stored_dtypes) {
    if (dtype != Dtype::f32) fail(path, "tensor '" + name + "' is " + dtype_name(dtype) + ", expected F32");
  }
  const auto step = file.metadata.find("step");
  if (step == file.metadata.end()) fail(path, "no 'step' in __metadata__");
  AdamWState state;
  std::size_t used = 0;
  try {
    std::size_t end = 0;
    state.step = std::stoll(step->second, &end);
    if (end != step->second.size()) throw std::invalid_argument("trailing text");
  } catch (const std::exception&) {
    fail(path, "step '" + step->second + "' is not an integer");
  }
  if (state.step < 0 || state.step > kMaxStep) fail(path, "step " + step->second + " is outside [0, 10^12]");
  for (const auto& [name, p] : parameters) {
    for (const std::string prefix : {kFirst, kSecond}) {
      const auto it = file.floats.find(prefix + name);
      if (it == file.floats.end()) fail(path, "missing tensor '" + prefix + name + "'");
      if (it->second.shape != p.shape) fail(path, "tensor '" + prefix + name + "' has the wrong shape");
      for (std::size_t i = 0; i < it->second.data.size(); ++i) {
        const float x = it->second.data[i];
        if (!std::isfinite(x) || (prefix == kSecond && x < 0)) {
          fail(path, "tensor '" + prefix + name + "' element " + std::to_string(i) + " = " + std::to_string(x) +
                         (prefix == kSecond ? " is not a finite non-negative number" : " is not finite"));
        }
      }
      (prefix == kFirst ? state.first_moment : state.second_moment)[name] = std::move(it->second);
      ++used;
    }
  }
  if (used != file.floats.size()) fail(path, "holds tensors of no parameter of the model");
  return state;
}

}  // namespace hopelab
