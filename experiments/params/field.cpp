#include "params/field.h"

#include <algorithm>
#include <cstdio>

#include "theory/input_error.h"

namespace hopelab::params {

std::string Range::text() const {
  if (words != nullptr) return words;
  const bool has_low = low > -std::numeric_limits<double>::infinity();
  const bool has_high = high < std::numeric_limits<double>::infinity();
  if (has_low && has_high) {
    return std::string(low_open ? "(" : "[") + number_name(low) + ", " + number_name(high) + (high_open ? ")" : "]");
  }
  if (has_low) return std::string(low_open ? "> " : ">= ") + number_name(low);
  if (has_high) return std::string(high_open ? "< " : "<= ") + number_name(high);
  return "any";
}

std::vector<FieldUse> with_given(std::vector<FieldUse> uses, const GivenFields& given) {
  for (FieldUse& use : uses) use.set = use.set || given.count(use.field) > 0;
  return uses;
}

std::vector<std::string> not_applying(const std::vector<FieldUse>& uses) {
  std::vector<std::string> out;
  for (const FieldUse& use : uses) {
    if (!use.applies) out.push_back(use.field);
  }
  return out;
}

void check_range(const Field& field, double value) {
  if (field.range.words != nullptr || field.range.contains(value)) return;
  const bool both = field.range.low > -std::numeric_limits<double>::infinity() &&
                    field.range.high < std::numeric_limits<double>::infinity();
  throw InputError(std::string(field.name) + " must be " + (both ? "in " : "") + field.range.text() + ", got " +
                   number_name(value));
}

std::string number_name(double value) {
  // Drops the exponent's "+" and leading zeros: "1e+06" -> "1e6", "2.5e-05" -> "2.5e-5".
  const auto bare_exponent = [](std::string text) {
    const size_t e = text.find('e');
    if (e == std::string::npos) return text;
    std::string exponent = text.substr(e + 1);
    const bool negative = exponent[0] == '-';
    exponent.erase(0, exponent[0] == '+' || exponent[0] == '-' ? 1 : 0);
    exponent.erase(0, std::min(exponent.find_first_not_of('0'), exponent.size() - 1));
    return text.substr(0, e) + "e" + (negative ? "-" : "") + exponent;
  };
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.15g", value);
  const std::string plain = bare_exponent(buffer);
  // Scientific form with the mantissa's trailing zeros dropped: 10000 -> "1e4".
  std::snprintf(buffer, sizeof buffer, "%.14e", value);
  std::string scientific = buffer;
  const size_t e = scientific.find('e');
  if (e == std::string::npos) return plain;  // inf, nan
  std::string mantissa = scientific.substr(0, e);
  if (mantissa.find('.') != std::string::npos) {
    mantissa.erase(mantissa.find_last_not_of('0') + 1);
    if (mantissa.back() == '.') mantissa.pop_back();
  }
  scientific = bare_exponent(mantissa + scientific.substr(e));
  return scientific.size() < plain.size() ? scientific : plain;
}

std::string value_text(const std::string& v) { return v; }
std::string value_text(std::int64_t v) { return std::to_string(v); }
std::string value_text(double v) { return number_name(v); }
std::string value_text(bool v) { return v ? "true" : "false"; }

std::string value_text(const std::vector<double>& v) {
  std::string text;
  for (size_t k = 0; k < v.size(); ++k) text += (k ? "_" : "") + number_name(v[k]);
  return text;
}

std::string value_text(const std::vector<std::string>& v) {
  std::string text;
  for (size_t k = 0; k < v.size(); ++k) text += (k ? "," : "") + v[k];
  return text;
}

}  // namespace hopelab::params
