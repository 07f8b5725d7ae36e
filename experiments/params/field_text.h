#pragma once
// A field's value from text, as the command line gives it: the same types and checks as a spec's
// TOML value (integers strict, numbers finite, bool true/false, arrays comma-separated), except
// that an integer may end in k (x 1024) or M (x 1048576), as lengths are written. Errors
// name the field by its schema name: "head_dim: expected an integer, got 'x'".

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "params/field.h"

namespace hopelab::params {

void parse_field_text(const Field& f, const std::string& text, std::string& member);
void parse_field_text(const Field& f, const std::string& text, std::int64_t& member);
void parse_field_text(const Field& f, const std::string& text, double& member);
void parse_field_text(const Field& f, const std::string& text, bool& member);
void parse_field_text(const Field& f, const std::string& text, std::vector<double>& member);
void parse_field_text(const Field& f, const std::string& text, std::vector<std::string>& member);

template <class T>
void parse_field_text(const Field& f, const std::string& text, std::optional<T>& member) {
  T value{};
  parse_field_text(f, text, value);
  member = value;
}

}  // namespace hopelab::params
