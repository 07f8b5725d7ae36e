#pragma once
// safetensors files (github.com/huggingface/safetensors): an 8-byte little-endian header length
// N, N bytes of JSON {"__metadata__": {str: str}, NAME: {"dtype", "shape", "data_offsets":
// [begin, end)}}, then the data section (offsets relative to its start; little-endian, row-major).
// Floating tensors (F32, BF16, F16) are widened to float, integer ones (I64, I32) to int64.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/vlm/tensor.h"

namespace hopelab {

enum class Dtype { f32, bf16, f16, i64, i32 };

const char* dtype_name(Dtype dtype);  // "F32", "BF16", "F16", "I64", "I32" (safetensors' names)
int dtype_size(Dtype dtype);          // bytes per element
bool dtype_is_float(Dtype dtype);

struct IntTensor {
  std::vector<std::int64_t> shape;
  std::vector<std::int64_t> data;  // (prod(shape)), row-major
  std::int64_t numel() const {
    std::int64_t n = 1;
    for (std::int64_t s : shape) n *= s;
    return n;
  }
};
using IntTensorMap = std::map<std::string, IntTensor>;

struct SafetensorsContents {
  std::map<std::string, std::string> metadata;  // "__metadata__"
  TensorMap floats;                             // F32 / BF16 / F16 tensors, widened
  IntTensorMap integers;                        // I64 / I32 tensors, widened
  std::map<std::string, Dtype> stored_dtypes;   // every tensor's dtype in the file (filled on read)
};

// Parses a whole file held in memory, `size` bytes at `bytes`. Everything is checked, nothing is
// read outside [bytes, bytes + size): a bad header length, JSON, entry, dtype, shape, offsets,
// byte length, overlap or duplicate name throws InputError naming `source` and the tensor.
SafetensorsContents parse_safetensors(const std::uint8_t* bytes, std::size_t size, const std::string& source);
SafetensorsContents read_safetensors(const std::string& path);

// The file's bytes: floats stored as `float_dtype` (F32, BF16 or F16, rounded to nearest even),
// integers as I64, tensors in name order, header padded with spaces to a multiple of 8.
// A finite value that overflows BF16 / F16 throws InputError naming the tensor and index.
std::vector<std::uint8_t> serialize_safetensors(const SafetensorsContents& contents, Dtype float_dtype);
// serialize_safetensors, written to a temporary and renamed onto `path`.
void write_safetensors(const std::string& path, const SafetensorsContents& contents, Dtype float_dtype);

}  // namespace hopelab
