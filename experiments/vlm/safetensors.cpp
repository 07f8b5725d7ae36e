#include "vlm/safetensors.h"

#include <algorithm>
#include <limits>
#include <set>

#include <nlohmann/json.hpp>

#include "theory/input_error.h"
#include "vlm/file_bytes.h"
#include "vlm/half_float.h"

namespace hopelab {
namespace {

using Json = nlohmann::json;

constexpr std::uint64_t kMaxHeaderBytes = 100u << 20;           // safetensors' own limit (100 MiB)
constexpr int kMaxJsonDepth = 4;                                // header: object > entry > shape array
constexpr std::uint64_t kMaxElements = std::uint64_t{1} << 60;  // times 8 bytes stays below 2^64

[[noreturn]] void fail(const std::string& source, const std::string& what) { throw InputError(source + ": " + what); }

std::string quote_name(const std::string& name) { return "'" + name + "'"; }

std::uint64_t read_le(const std::uint8_t* p, int bytes) {
  std::uint64_t value = 0;
  for (int i = bytes - 1; i >= 0; --i) value = (value << 8) | p[i];
  return value;
}

void write_le(std::uint64_t value, int bytes, std::vector<std::uint8_t>* out) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

bool parse_dtype(const std::string& text, Dtype* dtype) {
  static const std::map<std::string, Dtype> names = {
      {"F32", Dtype::f32}, {"BF16", Dtype::bf16}, {"F16", Dtype::f16}, {"I64", Dtype::i64}, {"I32", Dtype::i32}};
  const auto it = names.find(text);
  if (it == names.end()) return false;
  *dtype = it->second;
  return true;
}

// The JSON header, refusing duplicate top-level names and nesting deeper than a header has.
Json parse_header(const std::uint8_t* text, std::size_t size, const std::string& source) {
  std::string duplicate;
  bool too_deep = false;
  std::set<std::string> names;
  auto guard = [&](int depth, Json::parse_event_t event, Json& parsed) {
    if (event == Json::parse_event_t::key && depth == 1 && !names.insert(parsed.get<std::string>()).second &&
        duplicate.empty()) {
      duplicate = parsed.get<std::string>();
    }
    const bool opens = event == Json::parse_event_t::object_start || event == Json::parse_event_t::array_start;
    if (opens && depth >= kMaxJsonDepth) {
      too_deep = true;
      return false;  // discard: nothing deeper is kept
    }
    return true;
  };
  Json header;
  try {
    header = Json::parse(text, text + size, guard);
  } catch (const Json::exception& e) {
    fail(source, std::string("invalid JSON header: ") + e.what());
  }
  if (!duplicate.empty()) fail(source, "duplicate tensor name " + quote_name(duplicate));
  if (too_deep) fail(source, "JSON header nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  if (!header.is_object()) fail(source, "JSON header is not an object");
  return header;
}

std::uint64_t unsigned_field(const Json& value, const std::string& source, const std::string& what) {
  if (value.is_number_unsigned()) return value.get<std::uint64_t>();
  if (value.is_number_integer()) fail(source, what + " is negative (" + value.dump() + ")");
  fail(source, what + " is not a non-negative integer (" + value.dump() + ")");
}

struct Entry {
  std::string name;
  Dtype dtype = Dtype::f32;
  std::vector<std::int64_t> shape;
  std::uint64_t begin = 0, end = 0;
};

Entry parse_entry(const std::string& name, const Json& value, std::uint64_t data_size, const std::string& source) {
  const std::string where = "tensor " + quote_name(name);
  if (!value.is_object()) fail(source, where + " is not an object");
  Entry entry;
  entry.name = name;
  const auto dtype = value.find("dtype");
  if (dtype == value.end() || !dtype->is_string()) fail(source, where + " has no string 'dtype'");
  if (!parse_dtype(dtype->get<std::string>(), &entry.dtype)) {
    fail(source, where + " has unsupported dtype " + quote_name(dtype->get<std::string>()) +
                     " (expected F32, BF16, F16, I64 or I32)");
  }
  const auto shape = value.find("shape");
  if (shape == value.end() || !shape->is_array()) fail(source, where + " has no array 'shape'");
  std::uint64_t numel = 1;
  for (const Json& dim : *shape) {
    const std::uint64_t d = unsigned_field(dim, source, where + " shape entry");
    if (d > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) ||
        (d != 0 && numel > kMaxElements / d)) {
      fail(source, where + " shape " + shape->dump() + " has too many elements");
    }
    numel *= d;
    entry.shape.push_back(static_cast<std::int64_t>(d));
  }
  const auto offsets = value.find("data_offsets");
  if (offsets == value.end() || !offsets->is_array() || offsets->size() != 2) {
    fail(source, where + " has no 'data_offsets' [begin, end]");
  }
  entry.begin = unsigned_field((*offsets)[0], source, where + " data_offsets begin");
  entry.end = unsigned_field((*offsets)[1], source, where + " data_offsets end");
  if (entry.begin > entry.end || entry.end > data_size) {
    fail(source, where + " data_offsets " + offsets->dump() + " are not within the data section of " +
                     std::to_string(data_size) + " bytes");
  }
  const std::uint64_t bytes = numel * static_cast<std::uint64_t>(dtype_size(entry.dtype));  // numel <= 2^60
  if (entry.end - entry.begin != bytes) {
    fail(source, where + " holds " + std::to_string(entry.end - entry.begin) + " bytes but shape " + shape->dump() +
                     " of " + dtype_name(entry.dtype) + " needs " + std::to_string(bytes));
  }
  return entry;
}

void refuse_overlaps(std::vector<Entry> entries, const std::string& source) {
  entries.erase(std::remove_if(entries.begin(), entries.end(), [](const Entry& e) { return e.begin == e.end; }),
                entries.end());
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.begin < b.begin; });
  for (size_t i = 1; i < entries.size(); ++i) {
    if (entries[i].begin < entries[i - 1].end) {
      fail(source, "tensors " + quote_name(entries[i - 1].name) + " and " + quote_name(entries[i].name) + " overlap");
    }
  }
}

void decode(const Entry& e, const std::uint8_t* data, SafetensorsContents* out) {
  const int width = dtype_size(e.dtype);
  const size_t n = static_cast<size_t>((e.end - e.begin) / static_cast<std::uint64_t>(width));
  const std::uint8_t* p = data + e.begin;
  out->stored_dtypes[e.name] = e.dtype;
  if (!dtype_is_float(e.dtype)) {
    IntTensor& t = out->integers[e.name];
    t.shape = e.shape;
    t.data.resize(n);
    for (size_t i = 0; i < n; ++i) {
      const std::uint64_t raw = read_le(p + i * static_cast<size_t>(width), width);
      t.data[i] = e.dtype == Dtype::i64 ? static_cast<std::int64_t>(raw)
                                        : static_cast<std::int64_t>(static_cast<std::int32_t>(raw));
    }
    return;
  }
  Tensor& t = out->floats[e.name];
  t.shape = e.shape;
  t.data.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const std::uint64_t raw = read_le(p + i * static_cast<size_t>(width), width);
    if (e.dtype == Dtype::f32) t.data[i] = float_from_bits(static_cast<std::uint32_t>(raw));
    if (e.dtype == Dtype::bf16) t.data[i] = bf16_to_float(static_cast<std::uint16_t>(raw));
    if (e.dtype == Dtype::f16) t.data[i] = f16_to_float(static_cast<std::uint16_t>(raw));
  }
}

}  // namespace

const char* dtype_name(Dtype dtype) {
  switch (dtype) {
    case Dtype::f32:
      return "F32";
    case Dtype::bf16:
      return "BF16";
    case Dtype::f16:
      return "F16";
    case Dtype::i64:
      return "I64";
    case Dtype::i32:
      return "I32";
  }
  return "?";
}

int dtype_size(Dtype dtype) {
  switch (dtype) {
    case Dtype::f32:
    case Dtype::i32:
      return 4;
    case Dtype::bf16:
    case Dtype::f16:
      return 2;
    case Dtype::i64:
      return 8;
  }
  return 1;
}

bool dtype_is_float(Dtype dtype) { return dtype == Dtype::f32 || dtype == Dtype::bf16 || dtype == Dtype::f16; }

SafetensorsContents parse_safetensors(const std::uint8_t* bytes, std::size_t size, const std::string& source) {
  if (size < 8) fail(source, "file of " + std::to_string(size) + " bytes is too short for the 8-byte header length");
  const std::uint64_t header_size = read_le(bytes, 8);
  if (header_size > kMaxHeaderBytes) fail(source, "header length " + std::to_string(header_size) + " is absurd");
  if (header_size > size - 8) {
    fail(source, "header length " + std::to_string(header_size) + " runs past the end of the file (" +
                     std::to_string(size) + " bytes)");
  }
  const Json header = parse_header(bytes + 8, static_cast<size_t>(header_size), source);
  const std::uint64_t data_size = size - 8 - header_size;
  const std::uint8_t* data = bytes + 8 + header_size;
  SafetensorsContents out;
  std::vector<Entry> entries;
  for (const auto& item : header.items()) {
    if (item.key() == "__metadata__") {
      if (!item.value().is_object()) fail(source, "__metadata__ is not an object");
      for (const auto& m : item.value().items()) {
        if (!m.value().is_string()) fail(source, "__metadata__ value of " + quote_name(m.key()) + " is not a string");
        out.metadata[m.key()] = m.value().get<std::string>();
      }
      continue;
    }
    entries.push_back(parse_entry(item.key(), item.value(), data_size, source));
  }
  refuse_overlaps(entries, source);
  for (const Entry& e : entries) decode(e, data, &out);
  return out;
}

SafetensorsContents read_safetensors(const std::string& path) {
  const std::vector<std::uint8_t> bytes = read_file_bytes(path);
  return parse_safetensors(bytes.data(), bytes.size(), path);
}

std::vector<std::uint8_t> serialize_safetensors(const SafetensorsContents& contents, Dtype float_dtype) {
  if (!dtype_is_float(float_dtype)) throw InputError(std::string("cannot store weights as ") + dtype_name(float_dtype));
  // Data section first (tensors in name order), then the header that points into it.
  std::map<std::string, std::pair<const Tensor*, const IntTensor*>> all;
  for (const auto& [name, t] : contents.floats) all[name].first = &t;
  for (const auto& [name, t] : contents.integers) {
    if (all.count(name)) throw InputError("tensor " + quote_name(name) + " is both a float and an integer tensor");
    all[name].second = &t;
  }
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!contents.metadata.empty()) header["__metadata__"] = contents.metadata;
  std::vector<std::uint8_t> data;
  for (const auto& [name, pair] : all) {
    const std::uint64_t begin = data.size();
    Dtype dtype = Dtype::i64;
    if (const Tensor* t = pair.first) {
      if (static_cast<size_t>(t->numel()) != t->data.size()) {
        throw InputError("tensor " + quote_name(name) + " has " + std::to_string(t->data.size()) +
                         " values for its shape of " + std::to_string(t->numel()));
      }
      dtype = float_dtype;
      for (size_t i = 0; i < t->data.size(); ++i) {
        std::uint16_t h = 0;
        const bool fits = dtype == Dtype::f32    ? true
                          : dtype == Dtype::bf16 ? float_to_bf16(t->data[i], &h)
                                                 : float_to_f16(t->data[i], &h);
        if (!fits) {
          throw InputError("tensor " + quote_name(name) + " value " + std::to_string(t->data[i]) + " at index " +
                           std::to_string(i) + " overflows " + dtype_name(dtype));
        }
        if (dtype == Dtype::f32)
          write_le(float_bits(t->data[i]), 4, &data);
        else
          write_le(h, 2, &data);
      }
      header[name] = {{"dtype", dtype_name(dtype)}, {"shape", t->shape}};
    } else {
      const IntTensor* ints = pair.second;
      if (static_cast<size_t>(ints->numel()) != ints->data.size()) {
        throw InputError("tensor " + quote_name(name) + " has " + std::to_string(ints->data.size()) +
                         " values for its shape of " + std::to_string(ints->numel()));
      }
      for (std::int64_t v : ints->data) write_le(static_cast<std::uint64_t>(v), 8, &data);
      header[name] = {{"dtype", "I64"}, {"shape", ints->shape}};
    }
    header[name]["data_offsets"] = {begin, static_cast<std::uint64_t>(data.size())};
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  std::vector<std::uint8_t> out;
  out.reserve(8 + text.size() + data.size());
  write_le(text.size(), 8, &out);
  out.insert(out.end(), text.begin(), text.end());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

void write_safetensors(const std::string& path, const SafetensorsContents& contents, Dtype float_dtype) {
  write_file_atomically(path, serialize_safetensors(contents, float_dtype));
}

}  // namespace hopelab
