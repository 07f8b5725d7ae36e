// theory/escape_text.h: whatever the input bytes, the escaped text holds no C0 control, no DEL
// and no UTF-8-encoded C1 control (so it stays on one line and cannot drive a terminal), while
// printable ASCII and valid UTF-8 pass unchanged, and the result is always well-formed UTF-8 (a
// byte outside it, such as a lone 0x9b, is CSI to a terminal reading Latin-1). The oracles are
// written here from the byte classes of ECMA-48 and from decoding UTF-8 by its bit patterns, not
// from the code under test. Twins (no escaping) must fail.

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

// Whether `text` is well-formed UTF-8, by decoding: the lead byte's leading ones give the length
// n (1 for 0xxxxxxx, 2-4 for 110/1110/11110), each continuation is 10xxxxxx, and the decoded code
// point must need exactly n bytes (no overlong form), lie below 0x110000 and not be a surrogate.
bool well_formed_utf8(const std::string& text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    int n = 0;
    while (n < 8 && (lead & (0x80u >> n))) ++n;
    if (n == 0) { ++i; continue; }
    if (n == 1 || n > 4 || i + n > text.size()) return false;
    std::uint32_t cp = lead & (0x7fu >> n);
    for (int k = 1; k < n; ++k) {
      const auto b = static_cast<unsigned char>(text[i + k]);
      if ((b & 0xc0u) != 0x80u) return false;
      cp = (cp << 6) | (b & 0x3fu);
    }
    const std::uint32_t smallest[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < smallest[n] || cp >= 0x110000 || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n;
  }
  return true;
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
    ASSERT_TRUE(well_formed_utf8(out)) << "seed " << seed;
  }
  for (int b = 0; b < 256; ++b) {  // every single byte
    const std::string out = hopelab::escape_control(std::string(1, static_cast<char>(b)));
    EXPECT_EQ(first_control(out), std::string::npos) << "byte " << b;
    EXPECT_TRUE(well_formed_utf8(out)) << "byte " << b;
  }
  for (int a = 0x80; a < 0x100; ++a) {  // every two-byte string led by a non-ASCII byte
    for (int b = 0; b < 256; ++b) {
      const std::string in{static_cast<char>(a), static_cast<char>(b)};
      const std::string out = hopelab::escape_control(in);
      EXPECT_TRUE(well_formed_utf8(out) && first_control(out) == std::string::npos) << a << " " << b;
      if (well_formed_utf8(in) && first_control(in) == std::string::npos) {
        EXPECT_EQ(out, in) << a << " " << b;
      }
    }
  }
}

TEST(EscapeControl, BytesOutsideUtf8BecomeHex) {
  EXPECT_EQ(hopelab::escape_control("\x9b" "2J"), "\\x9b2J");               // a lone C1 byte
  EXPECT_EQ(hopelab::escape_control("\xc0\x80"), "\\xc0\\x80");             // overlong NUL
  EXPECT_EQ(hopelab::escape_control("\xed\xa0\x80"), "\\xed\\xa0\\x80");    // a surrogate
  EXPECT_EQ(hopelab::escape_control("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");  // above U+10FFFF
  EXPECT_EQ(hopelab::escape_control("ok\xe2\x89"), "ok\\xe2\\x89");          // cut short at the end
  EXPECT_EQ(hopelab::escape_control("\xe2\x89\xa5\xf5"), "\xe2\x89\xa5\\xf5");  // ≥ kept, 0xf5 never UTF-8
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
  EXPECT_FALSE(well_formed_utf8("\x9b" "2J"));
  EXPECT_FALSE(well_formed_utf8("\xc0\x80"));
  EXPECT_FALSE(well_formed_utf8("\xed\xa0\x80"));
  EXPECT_TRUE(well_formed_utf8("\xf0\x9f\x93\x88"));
}

}  // namespace
