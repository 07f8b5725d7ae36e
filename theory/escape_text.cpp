#include "theory/escape_text.h"

#include <cstdio>

namespace hopelab {

namespace {

bool continuation(std::string_view text, std::size_t i, unsigned low = 0x80, unsigned high = 0xbf) {
  if (i >= text.size()) return false;
  const auto b = static_cast<unsigned char>(text[i]);
  return b >= low && b <= high;
}

// Bytes of the well-formed UTF-8 sequence at text[i] (RFC 3629, section 4: no overlong forms,
// no surrogates, nothing above U+10FFFF), or 0 when the byte there starts none.
std::size_t utf8_length(std::string_view text, std::size_t i) {
  const auto b = static_cast<unsigned char>(text[i]);
  if (b < 0x80) return 1;
  if (b >= 0xc2 && b <= 0xdf) return continuation(text, i + 1) ? 2 : 0;
  if (b >= 0xe0 && b <= 0xef) {
    const unsigned low = b == 0xe0 ? 0xa0 : 0x80, high = b == 0xed ? 0x9f : 0xbf;
    return continuation(text, i + 1, low, high) && continuation(text, i + 2) ? 3 : 0;
  }
  if (b >= 0xf0 && b <= 0xf4) {
    const unsigned low = b == 0xf0 ? 0x90 : 0x80, high = b == 0xf4 ? 0x8f : 0xbf;
    return continuation(text, i + 1, low, high) && continuation(text, i + 2) && continuation(text, i + 3) ? 4 : 0;
  }
  return 0;
}

void append_hex(std::string& out, const char* format, unsigned value) {
  char code[16];
  std::snprintf(code, sizeof code, format, value);
  out += code;
}

}  // namespace

std::string escape_control(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    const auto byte = static_cast<unsigned char>(c);
    const std::size_t n = utf8_length(text, i);
    if (n == 0) {
      append_hex(out, "\\x%02x", byte);  // not UTF-8: a lone 0x9b is CSI to an 8-bit terminal
    } else if (n == 2 && byte == 0xc2 && static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
      append_hex(out, "\\u%04x", static_cast<unsigned char>(text[i + 1]));  // a C1 control (CSI is U+009B)
    } else if (n > 1) {
      out.append(text.substr(i, n));
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\x1b') {
      out += "\\e";
    } else if (byte < 0x20 || byte == 0x7f) {
      append_hex(out, "\\x%02x", byte);
    } else {
      out += c;
    }
    i += n == 0 ? 1 : n;
  }
  return out;
}

}  // namespace hopelab
