#include "batch/claims_table.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <ostream>
#include <sstream>

#include "output/cli_output.h"
#include "theory/escape_text.h"
#include "theory/input_error.h"

namespace hopelab::batch {

namespace {

using results::Dataset;
using results::RunRecord;

// ---- the columns --------------------------------------------------------------------------------

struct TextColumn {
  const char* name;
  std::string ClaimResult::*member;
  const char* description;
};

const std::vector<TextColumn>& string_columns() {
  static const std::vector<TextColumn> columns = {
      {"id", &ClaimResult::id, "claim id"},
      {"source", &ClaimResult::source, "where the paper states it"},
      {"statement", &ClaimResult::statement, "the claim in words"},
      {"rule", &ClaimResult::rule, "how it is checked (docs/usage.md, Claims)"},
      {"runs", &ClaimResult::runs, "the runs read, comma-separated"},
      {"computed", &ClaimResult::computed, "what the rule computed"},
      {"monte_carlo", &ClaimResult::monte_carlo, "the Monte Carlo side, - when none"},
      {"verdict", &ClaimResult::verdict, "holds, fails, holds only under an assumption, or n/a"},
      {"assumption", &ClaimResult::assumption, "the assumption of rule assumption, else empty"},
      {"why", &ClaimResult::why, "the numbers that decided the verdict, in words"},
  };
  return columns;
}

struct NumberColumn {
  const char* name;
  double ClaimNumbers::*member;
  const char* unit;
  const char* description;
};

const std::vector<NumberColumn>& number_columns() {
  static const std::vector<NumberColumn> columns = {
      {"value", &ClaimNumbers::value, "1", "the measured value the rule decided on (per rule: docs/usage.md, Claims); NaN: none"},
      {"threshold", &ClaimNumbers::threshold, "1", "the threshold the value was held against; NaN: none"},
      {"ratio", &ClaimNumbers::ratio, "1", "their ratio as the rule reads it (e.g. paper/b*); NaN: none"},
      {"violation_at", &ClaimNumbers::violation_at, "position",
       "the distance m where the property first breaks (tokens or frames, as the runs read); NaN: nowhere, or no such distance"},
  };
  return columns;
}

// ---- text on a terminal -------------------------------------------------------------------------

// The first `columns` code points of `text`.
std::string first_columns(const std::string& text, std::size_t columns) {
  std::size_t seen = 0;
  for (std::size_t at = 0; at < text.size(); ++at) {
    const bool starts = (static_cast<unsigned char>(text[at]) & 0xC0) != 0x80;
    if (starts && seen++ == columns) return text.substr(0, at);
  }
  return text;
}

// `text` in at most `width` columns: cut, ending in "...", when longer.
std::string fitted(const std::string& text, std::size_t width) {
  if (text_columns(text) <= width) return text;
  return first_columns(text, width > 3 ? width - 3 : 0) + "...";
}

std::string padded(const std::string& text, std::size_t width) {
  const std::size_t columns = text_columns(text);
  return text + std::string(columns < width ? width - columns : 0, ' ');
}

// `text` word-wrapped into lines of at most `width` columns: the first starts with `first` (cut
// to 80 columns), the others with `indent`; each word follows one space. A word longer than
// a line is split.
std::vector<std::string> wrapped(const std::string& text, const std::string& first, const std::string& indent,
                                 std::size_t width) {
  std::vector<std::string> lines{fitted(first, width - 20)};
  bool empty = true;  // the last line holds no word yet
  std::istringstream words(text);
  for (std::string word; words >> word;) {
    while (!word.empty()) {
      const std::size_t used = text_columns(lines.back());
      if (used + 1 + text_columns(word) <= width) {
        lines.back() += " " + word;
        empty = false;
        break;
      }
      if (empty) {  // not even an empty line holds it: split it
        const std::string head = first_columns(word, width > used + 1 ? width - used - 1 : 1);
        lines.back() += " " + head;
        word.erase(0, head.size());
      }
      lines.push_back(indent);
      empty = true;
    }
  }
  return lines;
}

bool needs_why(const ClaimResult& c) { return c.verdict != "holds"; }

std::string short_verdict(const std::string& verdict) {
  if (verdict == "holds only under an assumption") return "holds*";
  if (verdict == "fails") return "FAILS";
  return verdict;
}

std::string why_text(const ClaimResult& c) { return c.why.empty() ? c.computed : c.why; }

std::string count_line(const std::vector<ClaimResult>& claims) {
  std::map<std::string, std::size_t> count;
  for (const ClaimResult& c : claims) ++count[c.verdict];
  std::string line = std::to_string(claims.size()) + (claims.size() == 1 ? " claim: " : " claims: ") +
                     std::to_string(count["holds"]) + " hold, " + std::to_string(count["fails"]) + " fail, " +
                     std::to_string(count["holds only under an assumption"]) + " hold only under an assumption";
  if (count["n/a"] > 0) line += ", " + std::to_string(count["n/a"]) + " n/a";
  const std::size_t known = count["holds"] + count["fails"] + count["holds only under an assumption"] + count["n/a"];
  if (known < claims.size()) line += ", " + std::to_string(claims.size() - known) + " other";
  return line;
}

// ---- Markdown and CSV ---------------------------------------------------------------------------

// Text as a Markdown table cell or list item shows it: backslashes, backticks, asterisks and bars
// escaped, and underscores and '<' where they could start emphasis or a tag (an underscore not
// inside a word, a '<' before a letter, '/', '!' or '?').
std::string markdown_escaped(const std::string& text) {
  const std::string escaped = escape_control(text);
  const auto word = [&](std::size_t k) { return k < escaped.size() && std::isalnum(static_cast<unsigned char>(escaped[k])); };
  std::string out;
  for (std::size_t k = 0; k < escaped.size(); ++k) {
    const char ch = escaped[k];
    const bool intraword = k > 0 && word(k - 1) && word(k + 1);
    const bool tag = k + 1 < escaped.size() && (std::isalpha(static_cast<unsigned char>(escaped[k + 1])) ||
                                                std::string("/!?").find(escaped[k + 1]) != std::string::npos);
    if (std::string("\\`*|").find(ch) != std::string::npos || (ch == '_' && !intraword) || (ch == '<' && tag)) {
      out += '\\';
    }
    out += ch;
  }
  return out;
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char ch : text) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}

std::string csv_number(double value) { return std::isnan(value) ? "" : cli::number_text(value); }

}  // namespace

RunRecord claims_record(const std::vector<ClaimResult>& claims, std::int64_t units_total) {
  RunRecord r;
  r.unit_index = units_total;
  r.group = "/claims";
  for (const TextColumn& column : string_columns()) {
    Dataset d;
    d.name = column.name;
    d.unit = "1";
    d.kind = results::DatasetKind::strings;
    for (const ClaimResult& c : claims) d.strings.push_back(c.*column.member);
    d.shape = {static_cast<std::int64_t>(d.strings.size())};
    d.description = column.description;
    r.datasets.push_back(std::move(d));
  }
  for (const NumberColumn& column : number_columns()) {
    Dataset d;
    d.name = column.name;
    d.unit = column.unit;
    d.kind = results::DatasetKind::numbers;
    for (const ClaimResult& c : claims) d.numbers.push_back(c.numbers.*column.member);
    d.shape = {static_cast<std::int64_t>(d.numbers.size())};
    d.description = column.description;
    r.datasets.push_back(std::move(d));
  }
  std::int64_t holds = 0;
  for (const ClaimResult& c : claims) holds += c.verdict == "holds" ? 1 : 0;
  r.attributes.push_back({"claims", static_cast<std::int64_t>(claims.size())});
  r.attributes.push_back({"holding", holds});
  return r;
}

std::vector<ClaimResult> claims_from_record(const RunRecord& record) {
  std::size_t rows = 0;
  bool first = true;
  const auto check_rows = [&](const Dataset& d, std::size_t n) {
    if (!first && n != rows) {
      throw InputError("/claims: column '" + d.name + "' has " + std::to_string(n) + " rows, others " +
                       std::to_string(rows));
    }
    rows = n;
    first = false;
  };
  for (const TextColumn& column : string_columns()) {
    if (const Dataset* d = results::find_dataset(record, column.name)) {
      if (results::resolved_kind(*d) != results::DatasetKind::strings) {
        throw InputError("/claims: column '" + d->name + "' is not text");
      }
      check_rows(*d, d->strings.size());
    }
  }
  for (const NumberColumn& column : number_columns()) {
    if (const Dataset* d = results::find_dataset(record, column.name)) {
      if (results::resolved_kind(*d) == results::DatasetKind::strings) {
        throw InputError("/claims: column '" + d->name + "' is not numbers");
      }
      check_rows(*d, results::dataset_numbers(record, column.name).size());
    }
  }
  std::vector<ClaimResult> claims(rows);
  for (const TextColumn& column : string_columns()) {
    if (const Dataset* d = results::find_dataset(record, column.name)) {
      for (std::size_t k = 0; k < rows; ++k) claims[k].*column.member = d->strings[k];
    }
  }
  for (const NumberColumn& column : number_columns()) {
    if (results::find_dataset(record, column.name) == nullptr) continue;
    const std::vector<double> values = results::dataset_numbers(record, column.name);
    for (std::size_t k = 0; k < rows; ++k) claims[k].numbers.*column.member = values[k];
  }
  return claims;
}

std::size_t text_columns(const std::string& text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char ch) { return (static_cast<unsigned char>(ch) & 0xC0) != 0x80; }));
}

void print_claims_table(const std::vector<ClaimResult>& claims, std::ostream& out) {
  constexpr std::size_t kWidth = kClaimsTableWidth, kMaxId = 24, kGap = 2;
  const std::string kVerdictHeader = "verdict";
  std::size_t id_width = 2, verdict_width = kVerdictHeader.size();
  for (const ClaimResult& c : claims) {
    id_width = std::max(id_width, std::min(kMaxId, text_columns(escape_control(c.id))));
    verdict_width = std::max(verdict_width, std::min<std::size_t>(16, text_columns(short_verdict(escape_control(c.verdict)))));
  }
  const std::size_t statement_width = kWidth - id_width - verdict_width - 2 * kGap;
  const auto row = [&](const std::string& id, const std::string& verdict, const std::string& statement) {
    std::string line = padded(fitted(id, id_width), id_width + kGap) +
                       padded(fitted(verdict, verdict_width), verdict_width + kGap) + fitted(statement, statement_width);
    line.erase(line.find_last_not_of(' ') + 1);
    out << line << '\n';
  };
  out << fitted(count_line(claims), kWidth) << '\n';
  row("id", kVerdictHeader, "statement");
  bool starred = false;
  for (const ClaimResult& c : claims) {
    starred = starred || c.verdict == "holds only under an assumption";
    row(escape_control(c.id), short_verdict(escape_control(c.verdict)), escape_control(c.statement));
  }
  if (starred) out << "holds*: holds only under an assumption\n";
  bool heading = false;
  for (const ClaimResult& c : claims) {
    if (!needs_why(c)) continue;
    if (!heading) out << "\nwhy:\n";
    heading = true;
    for (const std::string& line :
         wrapped(escape_control(why_text(c)),
                 "  " + fitted(escape_control(c.id), 40) + ", " + fitted(escape_control(c.verdict), 32) + ":", "     ",
                 kWidth)) {
      out << line << '\n';
    }
    if (!c.assumption.empty()) {
      for (const std::string& line : wrapped(escape_control(c.assumption), "      assumption:", "        ", kWidth)) {
        out << line << '\n';
      }
    }
  }
}

void print_claims_markdown(const std::vector<ClaimResult>& claims, std::ostream& out) {
  const auto verdict = [](const std::string& v) {
    return v == "holds" || v == "n/a" ? markdown_escaped(v) : "**" + markdown_escaped(v) + "**";
  };
  out << count_line(claims) << ".\n\n| id | verdict | statement |\n|---|---|---|\n";
  for (const ClaimResult& c : claims) {
    out << "| " << markdown_escaped(c.id) << " | " << verdict(c.verdict) << " | " << markdown_escaped(c.statement)
        << " |\n";
  }
  bool heading = false;
  for (const ClaimResult& c : claims) {
    if (!needs_why(c)) continue;
    if (!heading) out << "\nWhy:\n\n";
    heading = true;
    out << "- **" << markdown_escaped(c.id) << "** (" << markdown_escaped(c.verdict) << "): "
        << markdown_escaped(why_text(c));
    if (!c.assumption.empty()) out << ". Assumption: " << markdown_escaped(c.assumption);
    out << "\n";
  }
}

void print_claims_csv(const std::vector<ClaimResult>& claims, std::ostream& out) {
  const std::vector<const char*> first = {"id", "verdict", "statement", "source", "rule", "runs", "assumption"};
  const std::vector<const char*> last = {"why", "computed", "monte_carlo"};
  const auto member = [](const char* name) {
    for (const TextColumn& column : string_columns()) {
      if (std::string(name) == column.name) return column.member;
    }
    return &ClaimResult::id;  // unreachable: every name above is a column
  };
  std::string header;
  for (const char* name : first) header += std::string(header.empty() ? "" : ",") + name;
  for (const NumberColumn& column : number_columns()) header += std::string(",") + column.name;
  for (const char* name : last) header += std::string(",") + name;
  out << header << "\r\n";
  for (const ClaimResult& c : claims) {
    std::string line;
    for (const char* name : first) line += (line.empty() ? "" : ",") + csv_field(c.*member(name));
    for (const NumberColumn& column : number_columns()) line += "," + csv_number(c.numbers.*column.member);
    for (const char* name : last) line += "," + csv_field(c.*member(name));
    out << line << "\r\n";
  }
}

}  // namespace hopelab::batch
