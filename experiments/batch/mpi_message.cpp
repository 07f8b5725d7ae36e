#include "batch/mpi_message.h"

#include <cstring>
#include <stdexcept>
#include <type_traits>

namespace hopelab::batch::mpi {

namespace {

using results::Attribute;
using results::AttributeValue;
using results::Dataset;
using results::DatasetKind;

// Attribute values by their variant index, so both ends agree on the alternative.
static_assert(std::variant_size_v<AttributeValue> == 5, "a new attribute type needs its encoding here");

}  // namespace

// ---- writing ----------------------------------------------------------------------------

void MessageWriter::raw(const void* data, std::size_t size) { bytes_.append(static_cast<const char*>(data), size); }

MessageWriter& MessageWriter::integer(std::int64_t value) {
  raw(&value, sizeof value);
  return *this;
}

MessageWriter& MessageWriter::number(double value) {
  raw(&value, sizeof value);
  return *this;
}

MessageWriter& MessageWriter::text(const std::string& value) {
  integer(static_cast<std::int64_t>(value.size()));
  raw(value.data(), value.size());
  return *this;
}

MessageWriter& MessageWriter::numbers(const std::vector<double>& values) {
  integer(static_cast<std::int64_t>(values.size()));
  raw(values.data(), values.size() * sizeof(double));
  return *this;
}

MessageWriter& MessageWriter::integers(const std::vector<std::int64_t>& values) {
  integer(static_cast<std::int64_t>(values.size()));
  raw(values.data(), values.size() * sizeof(std::int64_t));
  return *this;
}

MessageWriter& MessageWriter::record(const results::RunRecord& r) {
  integer(r.unit_index).text(r.group).integer(static_cast<std::int64_t>(r.attributes.size()));
  for (const Attribute& a : r.attributes) {
    text(a.name).text(a.unit).integer(static_cast<std::int64_t>(a.value.index()));
    std::visit(
        [this](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::int64_t>) integer(v);
          else if constexpr (std::is_same_v<T, double>) number(v);
          else if constexpr (std::is_same_v<T, std::string>) text(v);
          else if constexpr (std::is_same_v<T, std::vector<double>>) numbers(v);
          else integers(v);
        },
        a.value);
  }
  integer(static_cast<std::int64_t>(r.datasets.size()));
  for (const Dataset& d : r.datasets) {
    text(d.name).text(d.unit).integers(d.shape).numbers(d.numbers).integers(d.integers);
    integer(static_cast<std::int64_t>(d.strings.size()));
    for (const std::string& s : d.strings) text(s);
    text(d.description).integer(static_cast<std::int64_t>(d.kind));
  }
  return *this;
}

// ---- reading ----------------------------------------------------------------------------

void MessageReader::raw(void* data, std::size_t size) {
  if (size > bytes_.size() - at_) {
    throw std::runtime_error("message ends after " + std::to_string(bytes_.size()) + " bytes, " +
                             std::to_string(at_ + size) + " needed");
  }
  if (size > 0) std::memcpy(data, bytes_.data() + at_, size);
  at_ += size;
}

std::size_t MessageReader::count(std::size_t element_size) {
  const std::int64_t n = integer();
  if (n < 0 || static_cast<std::uint64_t>(n) > (bytes_.size() - at_) / element_size) {
    throw std::runtime_error("message declares " + std::to_string(n) + " elements, more than its bytes hold");
  }
  return static_cast<std::size_t>(n);
}

std::int64_t MessageReader::integer() {
  std::int64_t value = 0;
  raw(&value, sizeof value);
  return value;
}

double MessageReader::number() {
  double value = 0.0;
  raw(&value, sizeof value);
  return value;
}

std::string MessageReader::text() {
  std::string value(count(1), '\0');
  raw(value.data(), value.size());
  return value;
}

std::vector<double> MessageReader::numbers() {
  std::vector<double> values(count(sizeof(double)));
  raw(values.data(), values.size() * sizeof(double));
  return values;
}

std::vector<std::int64_t> MessageReader::integers() {
  std::vector<std::int64_t> values(count(sizeof(std::int64_t)));
  raw(values.data(), values.size() * sizeof(std::int64_t));
  return values;
}

results::RunRecord MessageReader::record() {
  results::RunRecord r;
  r.unit_index = integer();
  r.group = text();
  for (std::size_t n = count(3 * sizeof(std::int64_t)); n > 0; --n) {
    Attribute a;
    a.name = text();
    a.unit = text();
    switch (integer()) {
      case 0: a.value = integer(); break;
      case 1: a.value = number(); break;
      case 2: a.value = text(); break;
      case 3: a.value = numbers(); break;
      case 4: a.value = integers(); break;
      default: throw std::runtime_error("message holds an attribute of unknown type");
    }
    r.attributes.push_back(std::move(a));
  }
  for (std::size_t n = count(8 * sizeof(std::int64_t)); n > 0; --n) {
    Dataset d;
    d.name = text();
    d.unit = text();
    d.shape = integers();
    d.numbers = numbers();
    d.integers = integers();
    for (std::size_t k = count(sizeof(std::int64_t)); k > 0; --k) d.strings.push_back(text());
    d.description = text();
    const std::int64_t kind = integer();
    if (kind < 0 || kind > static_cast<std::int64_t>(DatasetKind::strings)) {
      throw std::runtime_error("message holds a dataset of unknown kind");
    }
    d.kind = static_cast<DatasetKind>(kind);
    r.datasets.push_back(std::move(d));
  }
  return r;
}

void MessageReader::finish() const {
  if (at_ != bytes_.size()) {
    throw std::runtime_error("message has " + std::to_string(bytes_.size() - at_) + " bytes left over");
  }
}

}  // namespace hopelab::batch::mpi
