#pragma once
// Text from outside the program (file attributes, names, flag values) made safe to echo on one
// line of a terminal: every control character (C0, DEL and UTF-8 C1) becomes a visible escape
// (\n, \t, \r, \e, \xHH, \uHHHH). Printable bytes, UTF-8 included, pass unchanged.

#include <string>
#include <string_view>

namespace hopelab {

// "a\nb" -> "a\\nb", ESC -> "\\e", DEL -> "\\x7f", U+009B -> "\\u009b"; other bytes are kept.
std::string escape_control(std::string_view text);

}  // namespace hopelab
