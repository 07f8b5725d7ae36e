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
  if (a.name != b.name || a.unit != b.unit || a.value.index() != b.value.index()) return false;
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

const Dataset* find_dataset(const RunRecord& run, const std::string& name) {
  for (const Dataset& d : run.datasets) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

const Attribute* find_attribute(const RunRecord& run, const std::string& name) {
  for (const Attribute& a : run.attributes) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

std::vector<double> dataset_numbers(const RunRecord& run, const std::string& name) {
  const Dataset* d = find_dataset(run, name);
  if (!d) return {};
  if (!d->numbers.empty()) return d->numbers;
  return std::vector<double>(d->integers.begin(), d->integers.end());
}

std::string dataset_unit(const RunRecord& run, const std::string& name) {
  const Dataset* d = find_dataset(run, name);
  return d ? d->unit : std::string();
}

std::string string_attribute(const RunRecord& run, const std::string& name, const std::string& fallback) {
  for (const Attribute& a : run.attributes) {
    if (a.name == name) {
      if (const auto* s = std::get_if<std::string>(&a.value)) return *s;
    }
  }
  return fallback;
}

double number_attribute(const RunRecord& run, const std::string& name, double fallback) {
  for (const Attribute& a : run.attributes) {
    if (a.name != name) continue;
    if (const auto* i = std::get_if<std::int64_t>(&a.value)) return static_cast<double>(*i);
    if (const auto* x = std::get_if<double>(&a.value)) return *x;
  }
  return fallback;
}

}  // namespace hopelab::results
