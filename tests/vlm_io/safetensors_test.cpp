// experiments/vlm/safetensors.{h,cpp}: round trips in every dtype, and every malformed-file
// class refused with an InputError naming the file and the tensor. Bad files are built here
// byte by byte (a JSON header typed out, data bytes placed by hand), not by the writer.

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "theory/input_error.h"
#include "vlm/half_float.h"
#include "vlm/safetensors.h"

namespace hopelab {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes file_with_header(const std::string& header, size_t data_bytes, std::uint64_t declared_length = UINT64_MAX) {
  const std::uint64_t length = declared_length == UINT64_MAX ? header.size() : declared_length;
  Bytes out;
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(length >> (8 * i)));
  out.insert(out.end(), header.begin(), header.end());
  for (size_t i = 0; i < data_bytes; ++i) out.push_back(static_cast<std::uint8_t>(i * 37 + 1));
  return out;
}

// The parse must throw InputError whose one-line message holds every `needles` entry.
void expect_refused(const Bytes& bytes, const std::vector<std::string>& needles) {
  try {
    parse_safetensors(bytes.data(), bytes.size(), "bad.safetensors");
    FAIL() << "accepted a bad file; expected an error naming " << needles[0];
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.find('\n'), std::string::npos) << "not one line: " << message;
    EXPECT_NE(message.find("bad.safetensors"), std::string::npos) << "no file name in: " << message;
    for (const std::string& n : needles)
      EXPECT_NE(message.find(n), std::string::npos) << "'" << n << "' not in: " << message;
  }
}

SafetensorsContents sample_contents() {
  SafetensorsContents c;
  c.metadata = {{"format", "pt"}, {"note", "x"}};
  c.floats["a.weight"] = {{2, 3}, {0.5f, -1.25f, 3.0e-5f, 1000.0f, -0.0f, 65504.0f}};
  c.floats["b.bias"] = {{3}, {1.0f / 3.0f, -7.1f, 2.0e-8f}};
  c.floats["empty"] = {{0, 4}, {}};
  c.integers["ids"] = {{4}, {0, -1, INT64_MAX, INT64_MIN}};
  return c;
}

TEST(Safetensors, RoundTripsEveryDtype) {
  const SafetensorsContents in = sample_contents();
  for (Dtype dtype : {Dtype::f32, Dtype::bf16, Dtype::f16}) {
    const Bytes bytes = serialize_safetensors(in, dtype);
    ASSERT_EQ((bytes[0] | bytes[1] << 8) % 8, 0) << "header not padded to 8 bytes";
    const SafetensorsContents out = parse_safetensors(bytes.data(), bytes.size(), "round.safetensors");
    EXPECT_EQ(out.metadata, in.metadata);
    EXPECT_EQ(out.integers.at("ids").data, in.integers.at("ids").data);  // I64: exact
    EXPECT_EQ(out.stored_dtypes.at("ids"), Dtype::i64);
    ASSERT_EQ(out.floats.size(), in.floats.size());
    for (const auto& [name, tensor] : in.floats) {
      const Tensor& back = out.floats.at(name);
      EXPECT_EQ(back.shape, tensor.shape) << name;
      EXPECT_EQ(out.stored_dtypes.at(name), dtype) << name;
      for (size_t i = 0; i < tensor.data.size(); ++i) {
        // Each value must come back as its own nearest representable value: |x - back| <= half an
        // ulp of the format at x, i.e. 2^-8 |x| (bf16, 8 significant bits), 2^-11 |x| (f16, 11),
        // 0 (f32); plus 2^-25 absolute for f16's subnormal range (spacing 2^-24).
        const double x = tensor.data[i], y = back.data[i];
        const double tolerance = dtype == Dtype::f32    ? 0.0
                                 : dtype == Dtype::bf16 ? std::ldexp(std::fabs(x), -8)
                                                        : std::ldexp(std::fabs(x), -11) + std::ldexp(1.0, -25);
        EXPECT_LE(std::fabs(x - y), tolerance)
            << name << "[" << i << "] in " << dtype_name(dtype) << ": expected " << x << ", actual " << y;
      }
    }
  }
}

TEST(Safetensors, ReadsI32AndHandWrittenLittleEndianData) {
  // F32 1.5 = 0x3fc00000, I32 -2 = 0xfffffffe, BF16 -2.0 = 0xc000, F16 0.5 = 0x3800.
  const std::string header =
      R"({"f":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"i":{"dtype":"I32","shape":[1],"data_offsets":[4,8]},)"
      R"("b":{"dtype":"BF16","shape":[],"data_offsets":[8,10]},"h":{"dtype":"F16","shape":[1,1],"data_offsets":[10,12]}})";
  Bytes bytes = file_with_header(header, 0);
  for (int b : {0x00, 0x00, 0xc0, 0x3f, 0xfe, 0xff, 0xff, 0xff, 0x00, 0xc0, 0x00, 0x38})
    bytes.push_back(static_cast<std::uint8_t>(b));
  const SafetensorsContents c = parse_safetensors(bytes.data(), bytes.size(), "hand.safetensors");
  EXPECT_EQ(c.floats.at("f").data, std::vector<float>{1.5f});
  EXPECT_EQ(c.integers.at("i").data, std::vector<std::int64_t>{-2});
  EXPECT_EQ(c.stored_dtypes.at("i"), Dtype::i32);
  EXPECT_EQ(c.floats.at("b").data, std::vector<float>{-2.0f});
  EXPECT_EQ(c.floats.at("b").shape.size(), 0u);
  EXPECT_EQ(c.floats.at("h").data, std::vector<float>{0.5f});
}

const char* const kGood = R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";

TEST(Safetensors, RefusesBadHeaderLengths) {
  expect_refused(Bytes{1, 2, 3}, {"too short"});
  expect_refused(file_with_header(kGood, 8, 1000), {"header length 1000", "past the end"});
  expect_refused(file_with_header(kGood, 8, std::uint64_t{1} << 40), {"absurd"});
  expect_refused(file_with_header(kGood, 8, UINT64_MAX - 1), {"absurd"});
  Bytes truncated = file_with_header(kGood, 8);
  truncated.resize(truncated.size() - 3);
  expect_refused(truncated, {"'w'", "data_offsets"});
}

TEST(Safetensors, RefusesBadJsonAndEntries) {
  expect_refused(file_with_header(R"({"w":{"dtype":"F32",)", 8), {"invalid JSON"});
  expect_refused(file_with_header(R"([1,2])", 0), {"not an object"});
  expect_refused(file_with_header(R"({"w":[1,2]})", 0), {"'w'", "not an object"});
  expect_refused(file_with_header(R"({"w":{"shape":[2],"data_offsets":[0,8]}})", 8), {"'w'", "dtype"});
  expect_refused(file_with_header(R"({"w":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}})", 8), {"'w'", "F64"});
  expect_refused(file_with_header(R"({"w":{"dtype":"F32","shape":2,"data_offsets":[0,8]}})", 8), {"'w'", "shape"});
  expect_refused(file_with_header(R"({"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", 8),
                 {"'w'", "negative"});
  expect_refused(file_with_header(R"({"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,8]}})", 8), {"'w'", "1.5"});
  expect_refused(file_with_header(R"({"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}})", 8),
                 {"'w'", "too many elements"});
  expect_refused(file_with_header(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0]}})", 8),
                 {"'w'", "data_offsets"});
  expect_refused(file_with_header(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}})", 8),
                 {"'w'", "data_offsets"});
  expect_refused(file_with_header(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", 8),
                 {"'w'", "not within"});
  expect_refused(file_with_header(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8), {"'w'", "needs 12"});
  expect_refused(file_with_header(R"({"__metadata__":{"k":1}})", 0), {"__metadata__", "'k'"});
  expect_refused(file_with_header(R"({"__metadata__":[]})", 0), {"__metadata__"});
  expect_refused(file_with_header(std::string(1000, '[') + std::string(1000, ']'), 0), {"nested"});
  expect_refused(file_with_header(R"({"a":{"b":{"c":{"d":{"e":[]}}}}})", 0), {"nested"});
}

TEST(Safetensors, RefusesOverlapsAndDuplicates) {
  expect_refused(file_with_header(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                                  R"("b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                                  8),
                 {"'a'", "'b'", "overlap"});
  expect_refused(file_with_header(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                                  R"("a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                                  8),
                 {"duplicate", "'a'"});
}

TEST(Safetensors, WriterRefusesF16OverflowNamingTheTensor) {
  SafetensorsContents c;
  c.floats["big.weight"] = {{2}, {1.0f, 70000.0f}};
  try {
    serialize_safetensors(c, Dtype::f16);
    FAIL() << "70000 was written as F16";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("'big.weight'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("index 1"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(serialize_safetensors(c, Dtype::bf16));  // within bf16's range
}

}  // namespace
}  // namespace hopelab
