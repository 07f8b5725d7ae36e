#include "params/field_text.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "theory/input_error.h"
#include "theory/text_parse.h"

namespace hopelab::params {

namespace {

[[noreturn]] void expected(const Field& f, const char* what, const std::string& text) {
  throw InputError(std::string(f.name) + ": expected " + what + ", got '" + text + "'");
}

}  // namespace

void parse_field_text(const Field&, const std::string& text, std::string& member) { member = text; }

void parse_field_text(const Field& f, const std::string& text, std::int64_t& member) {
  const char last = text.empty() ? '\0' : text.back();
  if (last == 'k' || last == 'K' || last == 'm' || last == 'M') {  // a length: 2k = 2048, 1M = 2^20
    member = parse_length(text, f.name);
    return;
  }
  // Digits with an optional sign, within int64: "1e3", "0x10", " 3" and "3.0" are refused.
  const size_t digits = text.size() - (text.size() > 0 && (text[0] == '-' || text[0] == '+') ? 1 : 0);
  if (digits == 0 || digits > 19 || text.find_first_not_of("0123456789", text.size() - digits) != std::string::npos) {
    expected(f, "an integer", text);
  }
  errno = 0;
  const long long value = std::strtoll(text.c_str(), nullptr, 10);
  if (errno == ERANGE) expected(f, "an integer", text);
  member = static_cast<std::int64_t>(value);
}

void parse_field_text(const Field& f, const std::string& text, double& member) {
  try {
    member = parse_finite_number(text, f.name);
  } catch (const InputError&) {
    expected(f, "a finite number", text);
  }
}

void parse_field_text(const Field& f, const std::string& text, bool& member) {
  if (text == "true") {
    member = true;
  } else if (text == "false") {
    member = false;
  } else {
    expected(f, "true or false", text);
  }
}

void parse_field_text(const Field& f, const std::string& text, std::vector<double>& member) {
  if (text.empty()) expected(f, "a non-empty list of numbers a,b,...", text);
  member.clear();
  for (const std::string& item : split(text, ',')) {
    double value = 0.0;
    parse_field_text(f, item, value);
    member.push_back(value);
  }
}

void parse_field_text(const Field& f, const std::string& text, std::vector<std::string>& member) {
  if (text.empty()) expected(f, "a non-empty list a,b,...", text);
  member = split(text, ',');
}

}  // namespace hopelab::params
