#include "results/record_checksum.h"

#include <fstream>

#include "results/fnv1a.h"
#include "results/results_file.h"
#include "theory/input_error.h"

namespace hopelab::results {

namespace {

void add_value(Fnv1a& h, const AttributeValue& value) {
  h.integer(value.index());
  if (const auto* i = std::get_if<std::int64_t>(&value)) h.integer(static_cast<std::uint64_t>(*i));
  if (const auto* x = std::get_if<double>(&value)) h.number(*x);
  if (const auto* s = std::get_if<std::string>(&value)) h.text(*s);
  if (const auto* xs = std::get_if<std::vector<double>>(&value)) {
    h.integer(xs->size());
    for (double x : *xs) h.number(x);
  }
  if (const auto* is = std::get_if<std::vector<std::int64_t>>(&value)) {
    h.integer(is->size());
    for (std::int64_t i : *is) h.integer(static_cast<std::uint64_t>(i));
  }
}

}  // namespace

std::string record_checksum(const RunRecord& record) {
  Fnv1a h;
  h.text(record.group);
  h.integer(static_cast<std::uint64_t>(record.unit_index));
  h.integer(record.attributes.size());
  for (const Attribute& attribute : record.attributes) {
    h.text(attribute.name);
    add_value(h, attribute.value);
  }
  // Units (format 1.1) only when a record has any, so checkpoints written before them keep their sums.
  bool units = false;
  for (const Attribute& attribute : record.attributes) units = units || !attribute.unit.empty();
  if (units) {
    h.text(kAttributeUnits);
    for (const Attribute& attribute : record.attributes) h.text(attribute.unit);
  }
  h.integer(record.datasets.size());
  for (const Dataset& dataset : record.datasets) {
    h.text(dataset.name);
    h.text(dataset.unit);
    h.text(dataset.description);
    h.integer(static_cast<std::uint64_t>(resolved_kind(dataset)));
    h.integer(dataset.shape.size());
    for (std::int64_t n : dataset.shape) h.integer(static_cast<std::uint64_t>(n));
    h.integer(dataset.numbers.size());
    for (double x : dataset.numbers) h.number(x);
    h.integer(dataset.integers.size());
    for (std::int64_t i : dataset.integers) h.integer(static_cast<std::uint64_t>(i));
    h.integer(dataset.strings.size());
    for (const std::string& s : dataset.strings) h.text(s);
  }
  return h.hex();
}

std::string file_checksum(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read '" + path + "'");
  Fnv1a h;
  char buffer[1 << 16];
  while (in) {
    in.read(buffer, sizeof buffer);
    h.bytes(buffer, static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) throw InputError("cannot read '" + path + "'");
  return h.hex();
}

}  // namespace hopelab::results
