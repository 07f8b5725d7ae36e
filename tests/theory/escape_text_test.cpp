// theory/escape_text.h: whatever the input bytes, the escaped text holds no C0 control, no DEL
// and no UTF-8-encoded C1 control (so it stays on one line and cannot drive a terminal), while
// printable ASCII and valid UTF-8 pass unchanged. The oracle is written here from the byte
// classes of ECMA-48 and UTF-8, not from the code under test. A twin (no escaping) must fail.

#include "theory/escape_text.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace {

// The first position at which `text` holds a control a terminal acts on, or npos.
std::size_t first_control(const std::string& text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x20 || b == 0x7f) return i;
    if (b == 0xc2 && i + 1 < text.size()) {
      const auto n = static_cast<unsigned char>(text[i + 1]);
      if (n >= 0x80 && n <= 0x9f) return i;  // U+0080..U+009F, e.g. CSI U+009B
    }
  }
  return std::string::npos;
}

// Byte strings from a 64-bit counter-style generator (splitmix64): every byte value, with
// control bytes and 0xc2 C1 lead-ins made common.
std::string random_bytes(std::uint64_t seed, std::size_t n) {
  std::string s;
  std::uint64_t x = seed;
  for (std::size_t i = 0; i < n; ++i) {
    x += 0x9e3779b97f4a7c15ull;
    std::uint64_t z = x;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    const unsigned kind = z % 4;
    const auto byte = static_cast<unsigned char>(z >> 8);
    if (kind == 0) {
      s += static_cast<char>(byte % 0x20);  // a C0 control
    } else if (kind == 1) {
      s += '\xc2';
      s += static_cast<char>(0x80 + byte % 0x40);  // U+0080..U+00BF, half of them C1
    } else {
      s += static_cast<char>(byte);
    }
  }
  return s;
}

TEST(EscapeControl, NoControlSurvivesAnyInput) {
  for (std::uint64_t seed = 0; seed < 2000; ++seed) {
    const std::string in = random_bytes(seed, 1 + seed % 40);
    const std::string out = hopelab::escape_control(in);
    ASSERT_EQ(first_control(out), std::string::npos) << "seed " << seed << ": control left at byte "
                                                     << first_control(out);
  }
  for (int b = 0; b < 256; ++b) {  // every single byte
    const std::string out = hopelab::escape_control(std::string(1, static_cast<char>(b)));
    EXPECT_EQ(first_control(out), std::string::npos) << "byte " << b;
  }
}

TEST(EscapeControl, PrintableTextAndUtf8PassUnchanged) {
  std::string ascii;
  for (int c = 0x20; c < 0x7f; ++c) ascii += static_cast<char>(c);
  EXPECT_EQ(hopelab::escape_control(ascii), ascii);
  const std::string utf8 = "\xce\xb8_i = b^(-2i/d), \xc2\xb5s, \xc2\xa0, \xe2\x89\xa5, \xf0\x9f\x93\x88";  // θ µ NBSP ≥ 📈
  EXPECT_EQ(hopelab::escape_control(utf8), utf8);
}

TEST(EscapeControl, ReadableEscapes) {
  EXPECT_EQ(hopelab::escape_control("a\nb\tc\rd"), "a\\nb\\tc\\rd");
  EXPECT_EQ(hopelab::escape_control("\x1b[2J"), "\\e[2J");
  EXPECT_EQ(hopelab::escape_control(std::string("\0\x7f", 2)), "\\x00\\x7f");
  EXPECT_EQ(hopelab::escape_control("\xc2\x9b" "31m"), "\\u009b31m");
}

TEST(EscapeControl, TwinWithoutEscapingFails) {
  EXPECT_NE(first_control("name\n!touch x"), std::string::npos);
  EXPECT_NE(first_control("\xc2\x9b" "2J"), std::string::npos);
}

}  // namespace
