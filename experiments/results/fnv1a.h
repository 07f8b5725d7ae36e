#pragma once
// 64-bit FNV-1a (Fowler, Noll, Vo): h = (h xor byte) * 1099511628211, from 14695981039346656037.
// The one checksum of hopelab's files (empirical pools, checkpoint records, training states):
// it detects accidental changes (any single changed byte changes it), not deliberate ones.

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

namespace hopelab::results {

class Fnv1a {
 public:
  void bytes(const void* data, std::size_t size) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < size; ++i) hash_ = (hash_ ^ p[i]) * 1099511628211ULL;
  }
  // An integer's 8 bytes, least significant first.
  void integer(std::uint64_t value) {
    for (int i = 0; i < 8; ++i) {
      const unsigned char byte = static_cast<unsigned char>(value >> (8 * i));
      bytes(&byte, 1);
    }
  }
  // A double's bits, as integer() takes them.
  void number(double value) {
    std::uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    integer(bits);
  }
  // Length first, so ("ab", "c") and ("a", "bc") differ.
  void text(const std::string& value) {
    integer(value.size());
    bytes(value.data(), value.size());
  }
  std::uint64_t value() const { return hash_; }
  // 16 lower-case hex digits.
  std::string hex() const {
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash_));
    return text;
  }

 private:
  std::uint64_t hash_ = 14695981039346656037ULL;
};

}  // namespace hopelab::results
