#include "results/run_record.h"

#include <cstring>

namespace hopelab::results {

namespace {

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (size_t k = 0; k < a.size(); ++k) {
    if (!same_bits(a[k], b[k])) return false;
  }
  return true;
}

}  // namespace

DatasetKind resolved_kind(const Dataset& dataset) {
  if (dataset.kind != DatasetKind::automatic) return dataset.kind;
  if (!dataset.strings.empty()) return DatasetKind::strings;
  if (!dataset.integers.empty()) return DatasetKind::integers;
  return DatasetKind::numbers;
}

bool operator==(const Attribute& a, const Attribute& b) {
  if (a.name != b.name || a.value.index() != b.value.index()) return false;
  if (const auto* x = std::get_if<double>(&a.value)) return same_bits(*x, std::get<double>(b.value));
  if (const auto* x = std::get_if<std::vector<double>>(&a.value)) {
    return same_bits(*x, std::get<std::vector<double>>(b.value));
  }
  return a.value == b.value;
}

bool operator==(const Dataset& a, const Dataset& b) {
  return a.name == b.name && a.unit == b.unit && a.shape == b.shape && a.description == b.description &&
         resolved_kind(a) == resolved_kind(b) && same_bits(a.numbers, b.numbers) && a.integers == b.integers &&
         a.strings == b.strings;
}

bool operator==(const RunRecord& a, const RunRecord& b) {
  return a.unit_index == b.unit_index && a.group == b.group && a.attributes == b.attributes &&
         a.datasets == b.datasets;
}

}  // namespace hopelab::results
