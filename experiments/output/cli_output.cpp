#include "output/cli_output.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>

#include "theory/escape_text.h"
#include "theory/text_format.h"

namespace hopelab::cli {

std::string json_line(const Json& value) { return value.dump(-1, ' ', false, Json::error_handler_t::replace); }

Json number_json(double value) {
  if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 9007199254740992.0) {
    return static_cast<std::int64_t>(value);
  }
  return value;
}

Json numbers_json(const std::vector<double>& values) {
  Json array = Json::array();
  for (double v : values) array.push_back(number_json(v));
  return array;
}

Table::Table(std::vector<std::string> header) { add_row(std::move(header)); }

void Table::add_row(std::vector<std::string> cells) {
  for (std::string& cell : cells) cell = escape_control(cell);
  rows_.push_back(std::move(cells));
}

void Table::print(std::ostream& out) const {
  std::vector<size_t> width;
  for (const auto& row : rows_) {
    width.resize(std::max(width.size(), row.size()), 0);
    for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  for (const auto& row : rows_) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) line += std::string(width[c] - row[c].size() + 2, ' ');
    }
    out << line << '\n';
  }
}

std::string index_ranges_text(const std::vector<int>& indices) {
  if (indices.empty()) return "-";
  std::string text;
  size_t i = 0;
  while (i < indices.size()) {
    // Longest run with a constant step starting at i.
    size_t j = i + 1;
    const int step = j < indices.size() ? indices[j] - indices[i] : 1;
    while (j < indices.size() && indices[j] - indices[j - 1] == step) ++j;
    if (!text.empty()) text += ",";
    const size_t run = j - i;
    if (run >= 3 && step == 1) text += std::to_string(indices[i]) + "-" + std::to_string(indices[j - 1]);
    else if (run >= 3) text += std::to_string(indices[i]) + "-" + std::to_string(indices[j - 1]) + ":" + std::to_string(step);
    else {
      j = i + 1;
      text += std::to_string(indices[i]);
    }
    i = j;
  }
  return text;
}

std::string number_text(double value) { return format_number(value); }

std::string compact_text(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  return buffer;
}

}  // namespace hopelab::cli
