#pragma once
// The claims table: the record a results file holds at /claims (one dataset per column, written
// by `hopelab run` and `merge`, read back by `claims` and `inspect`), and its renderings: text at
// most kClaimsTableWidth columns wide (id, verdict, a one-line statement, then why each claim
// that does not simply hold got its verdict, with its numbers), Markdown and CSV
// (docs/usage.md "Claims"; JSON: app/record_output.h).

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "batch/claims.h"
#include "results/run_record.h"

namespace hopelab::batch {

constexpr std::size_t kClaimsTableWidth = 100;

// The claims as the record written at /claims (unit_index = units_total): one string dataset per
// text column (id, source, statement, rule, runs, computed, monte_carlo, verdict, assumption,
// why) and one float64 dataset per number (value, threshold, ratio, violation_at; NaN where none).
results::RunRecord claims_record(const std::vector<ClaimResult>& claims, std::int64_t units_total);

// The claims of a /claims record. A column the record lacks (a file written before the column
// existed) reads as empty text or NaN. Throws InputError when the columns differ in length or
// one has the wrong type.
std::vector<ClaimResult> claims_from_record(const results::RunRecord& record);

// Columns a line of UTF-8 text takes on a terminal: its code points (every one counted as one
// column; wide characters are not special-cased).
std::size_t text_columns(const std::string& text);

// The text table: a count line, "id  verdict  statement" rows (statements cut to fit, verdict
// "holds*" for holds only under an assumption), then a "why" block for each claim that fails,
// holds only under an assumption or is n/a. No line is wider than kClaimsTableWidth; control
// characters in the file's text are escaped.
void print_claims_table(const std::vector<ClaimResult>& claims, std::ostream& out);

// A Markdown table (id, verdict, statement in full), then the why list.
void print_claims_markdown(const std::vector<ClaimResult>& claims, std::ostream& out);

// CSV (RFC 4180) with a header row: every column, numbers in shortest round-trip form, NaN empty.
void print_claims_csv(const std::vector<ClaimResult>& claims, std::ostream& out);

}  // namespace hopelab::batch
