#pragma once
// A command-line option held in an unsigned integer. CLI11 converts "-1" to 2^64 - 1 without a
// word; this validator takes decimal digits only (as every integer option and spec key,
// params/field_text.h), so "-1", "0x10" and "1e3" are refused naming the flag and the value.

#include <string>

#include <CLI/CLI.hpp>

namespace hopelab::cli {

inline CLI::Validator decimal_unsigned() {
  return CLI::Validator(
      [](std::string& value) {
        const bool digits = !value.empty() && value.size() <= 20 &&
                            value.find_first_not_of("0123456789") == std::string::npos;
        return digits ? std::string() : "expected a non-negative decimal integer, got '" + value + "'";
      },
      "UINT", "decimal_unsigned");
}

}  // namespace hopelab::cli
