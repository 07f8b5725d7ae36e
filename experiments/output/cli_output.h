#pragma once
// Output helpers for the CLI: JSON through nlohmann::ordered_json (keys in insertion order)
// and plain aligned tables for people.

#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hopelab::cli {

using Json = nlohmann::ordered_json;

// One line of JSON; strings read from files may hold any bytes: control characters come out as
// \u escapes and invalid UTF-8 as U+FFFD (never an exception).
std::string json_line(const Json& value);

// An integral double within 2^53 prints as an integer (positions "3", not "3.0").
Json number_json(double value);
Json numbers_json(const std::vector<double>& values);

// Rows of cells printed with columns padded to their widest cell; control characters in a cell
// are escaped (theory/escape_text.h), so a cell is always one line.
class Table {
 public:
  explicit Table(std::vector<std::string> header);
  void add_row(std::vector<std::string> cells);
  void print(std::ostream& out) const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

// Compact text of an index list: "0-15", "0,2,4,...,46" (step runs), or "-" when empty.
std::string index_ranges_text(const std::vector<int>& indices);
std::string number_text(double value);   // shortest round-trip form
std::string compact_text(double value);  // 6 significant digits, for tables

}  // namespace hopelab::cli
