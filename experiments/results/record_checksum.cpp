#include "results/record_checksum.h"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "theory/input_error.h"

namespace hopelab::results {

namespace {

// 64-bit FNV-1a (Fowler, Noll, Vo): h = (h xor byte) * 1099511628211 from 14695981039346656037.
class Fnv1a {
 public:
  void bytes(const void* data, std::size_t size) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < size; ++i) hash_ = (hash_ ^ p[i]) * 1099511628211ULL;
  }
  void integer(std::uint64_t value) {
    for (int i = 0; i < 8; ++i) {
      const unsigned char byte = static_cast<unsigned char>(value >> (8 * i));
      bytes(&byte, 1);
    }
  }
  void number(double value) {
    std::uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    integer(bits);
  }
  void text(const std::string& value) {
    integer(value.size());
    bytes(value.data(), value.size());
  }
  std::uint64_t value() const { return hash_; }

 private:
  std::uint64_t hash_ = 14695981039346656037ULL;
};

void add_value(Fnv1a& h, const AttributeValue& value) {
  h.integer(value.index());
  if (const auto* i = std::get_if<std::int64_t>(&value)) h.integer(static_cast<std::uint64_t>(*i));
  if (const auto* x = std::get_if<double>(&value)) h.number(*x);
  if (const auto* s = std::get_if<std::string>(&value)) h.text(*s);
  if (const auto* xs = std::get_if<std::vector<double>>(&value)) {
    h.integer(xs->size());
    for (double x : *xs) h.number(x);
  }
  if (const auto* is = std::get_if<std::vector<std::int64_t>>(&value)) {
    h.integer(is->size());
    for (std::int64_t i : *is) h.integer(static_cast<std::uint64_t>(i));
  }
}

std::string hex(std::uint64_t value) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
  return text;
}

}  // namespace

std::string record_checksum(const RunRecord& record) {
  Fnv1a h;
  h.text(record.group);
  h.integer(static_cast<std::uint64_t>(record.unit_index));
  h.integer(record.attributes.size());
  for (const Attribute& attribute : record.attributes) {
    h.text(attribute.name);
    add_value(h, attribute.value);
  }
  h.integer(record.datasets.size());
  for (const Dataset& dataset : record.datasets) {
    h.text(dataset.name);
    h.text(dataset.unit);
    h.text(dataset.description);
    h.integer(static_cast<std::uint64_t>(resolved_kind(dataset)));
    h.integer(dataset.shape.size());
    for (std::int64_t n : dataset.shape) h.integer(static_cast<std::uint64_t>(n));
    h.integer(dataset.numbers.size());
    for (double x : dataset.numbers) h.number(x);
    h.integer(dataset.integers.size());
    for (std::int64_t i : dataset.integers) h.integer(static_cast<std::uint64_t>(i));
    h.integer(dataset.strings.size());
    for (const std::string& s : dataset.strings) h.text(s);
  }
  return hex(h.value());
}

std::string file_checksum(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read '" + path + "'");
  Fnv1a h;
  char buffer[1 << 16];
  while (in) {
    in.read(buffer, sizeof buffer);
    h.bytes(buffer, static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) throw InputError("cannot read '" + path + "'");
  return hex(h.value());
}

}  // namespace hopelab::results
