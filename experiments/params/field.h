#pragma once
// The schema of one parameter: name, unit, allowed range and a one-line description. Each
// struct of params/ lists its fields once, in visit_fields(p, v), calling v(Field, member); the
// member's type and its value in a default-constructed struct are the field's type and default.
// That one list drives the TOML keys of a spec, the CLI flags (name with '-' for '_'), the HDF5
// attributes of a unit, unit names and the field tables of docs/usage.md (hopelab kinds).
// Field types: std::string, std::int64_t, double, bool, std::optional<double>,
// std::optional<std::int64_t>, std::vector<double>, std::vector<std::string>. An unset optional
// and an empty array are absent: a spec and the command line cannot give an empty array, a
// results file has no attribute for them and --json prints null.

#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

namespace hopelab::params {

// The values a numeric field accepts, checked when a spec or the command line sets it
// (check_range); text fields carry their allowed values as words, checked by their parser.
struct Range {
  double low = -std::numeric_limits<double>::infinity();
  double high = std::numeric_limits<double>::infinity();
  bool low_open = false, high_open = false;
  const char* words = nullptr;  // text fields: e.g. "fp32 or fp64"; numeric: nullptr

  bool contains(double x) const {
    return (low_open ? x > low : x >= low) && (high_open ? x < high : x <= high);
  }
  std::string text() const;  // ">= 2", "> 0", "[0, 1]", "(0, 1)", the words, or "any"
};

inline Range any() { return {}; }
inline Range at_least(double low) { return {low, std::numeric_limits<double>::infinity(), false, false, nullptr}; }
inline Range above(double low) { return {low, std::numeric_limits<double>::infinity(), true, false, nullptr}; }
inline Range closed(double low, double high) { return {low, high, false, false, nullptr}; }
inline Range open(double low, double high) { return {low, high, true, true, nullptr}; }
inline Range words(const char* allowed) {
  Range r;
  r.words = allowed;
  return r;
}

struct Field {
  const char* name;         // snake_case: TOML key, HDF5 attribute; --kebab-case flag
  const char* unit;         // "1" (dimensionless, flags too), "token", "frame", "rad", ...; "" for text
  Range range;
  const char* description;  // one line
};

// The names of the fields a spec's [[run]] (its keys and its sweep's) or the command line (the
// flags given) wrote, whatever their values. Params built in code (settings read back from a
// results file, a kind's own, a test's) have none.
using GivenFields = std::set<std::string>;

// A field that only some settings read (params' rules of options that do not apply, docs/usage.md
// "Options that do not apply"): its name, whether it is set (given, at any value, or holding other
// than its default), whether the other fields make it read, its value as text and who reads it.
struct FieldUse {
  const char* field;
  bool set, applies;
  std::string value;
  const char* readers;
};

// `uses` with every row whose field is in `given` marked set: a field given counts as set even
// at its default. The one place where what the readers saw meets the rules of each params struct.
std::vector<FieldUse> with_given(std::vector<FieldUse> uses, const GivenFields& given);

// The names of the rows that do not apply. A check refuses such a field when set, so it holds its
// default; a results file leaves it out.
std::vector<std::string> not_applying(const std::vector<FieldUse>& uses);

// Throws InputError "NAME must be RANGE, got VALUE" when a numeric value is outside the range.
void check_range(const Field& field, double value);

// Checks every numeric field of p (optional ones when set, arrays element by element) against
// its range: the one place a declared range is enforced, for specs and the command line alike.
template <class P>
void check_ranges(P p) {
  visit_fields(p, [](const Field& f, const auto& member) {
    using T = std::decay_t<decltype(member)>;
    if constexpr (std::is_same_v<T, std::int64_t> || std::is_same_v<T, double>) {
      check_range(f, static_cast<double>(member));
    } else if constexpr (std::is_same_v<T, std::optional<double>> || std::is_same_v<T, std::optional<std::int64_t>>) {
      if (member) check_range(f, static_cast<double>(*member));
    } else if constexpr (std::is_same_v<T, std::vector<double>>) {
      for (double x : member) check_range(f, x);
    }
  });
}

// The type of a member as documented: "string", "integer", "number", "bool", "integer?" (optional), ...
template <class T> struct FieldType;
template <> struct FieldType<std::string> { static constexpr const char* name = "string"; };
template <> struct FieldType<std::int64_t> { static constexpr const char* name = "integer"; };
template <> struct FieldType<double> { static constexpr const char* name = "number"; };
template <> struct FieldType<bool> { static constexpr const char* name = "bool"; };
template <> struct FieldType<std::optional<double>> { static constexpr const char* name = "number?"; };
template <> struct FieldType<std::optional<std::int64_t>> { static constexpr const char* name = "integer?"; };
template <> struct FieldType<std::vector<double>> { static constexpr const char* name = "number[]"; };
template <> struct FieldType<std::vector<std::string>> { static constexpr const char* name = "string[]"; };

// Text of a value as unit names, docs and --json print it (numbers in their shortest form:
// 10000 -> 1e4, 0.5 -> 0.5; arrays joined by "_" (numbers) or "," (strings); unset optional: "").
std::string number_name(double value);
std::string value_text(const std::string& v);
std::string value_text(std::int64_t v);
std::string value_text(double v);
std::string value_text(bool v);
std::string value_text(const std::vector<double>& v);
std::string value_text(const std::vector<std::string>& v);
template <class T>
std::string value_text(const std::optional<T>& v) {
  return v ? value_text(*v) : std::string();
}

// One row of a schema table: what `hopelab kinds` and docs/usage.md print.
struct FieldInfo {
  std::string name, type, default_text, unit, range, description;
};

// The schema row of a field whose member holds its default.
template <class T>
FieldInfo field_info(const Field& f, const T& member) {
  return {f.name, FieldType<T>::name, value_text(member), f.unit, f.range.text(), f.description};
}

// The schema of a params struct P (default-constructed for the defaults), in field order.
template <class P>
std::vector<FieldInfo> schema_of() {
  P defaults{};
  std::vector<FieldInfo> rows;
  visit_fields(defaults, [&](const Field& f, const auto& member) { rows.push_back(field_info(f, member)); });
  return rows;
}

}  // namespace hopelab::params
