#pragma once
// Text from outside the program (file attributes, names, flag values) made safe to echo on one
// line of a terminal: every control character (C0, DEL and UTF-8 C1) becomes a visible escape
// (\n, \t, \r, \e, \xHH, \uHHHH), and so does every byte that is not part of well-formed UTF-8
// (\xHH: a lone 0x9b is CSI to a terminal that reads bytes as Latin-1). The result is always
// well-formed UTF-8; printable ASCII and well-formed UTF-8 text pass unchanged.

#include <string>
#include <string_view>

namespace hopelab {

// "a\nb" -> "a\\nb", ESC -> "\\e", DEL -> "\\x7f", U+009B -> "\\u009b", a lone byte 0x9b -> "\\x9b".
std::string escape_control(std::string_view text);

}  // namespace hopelab
