#pragma once
// Dataset builders of the batch unit kinds (results/run_record.h): numbers stored as float64,
// integers as int64, each with its unit and description; shape (n) unless given (row-major).

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "results/run_record.h"

namespace hopelab::batch {

inline results::Dataset numbers(std::string name, std::string unit, std::vector<double> values,
                                std::string description, std::vector<std::int64_t> shape = {}) {
  results::Dataset d{std::move(name), std::move(unit), std::move(shape), std::move(values), {}, {},
                     std::move(description), results::DatasetKind::numbers};
  if (d.shape.empty()) d.shape = {static_cast<std::int64_t>(d.numbers.size())};
  return d;
}

inline results::Dataset integers(std::string name, std::string unit, std::vector<std::int64_t> values,
                                 std::string description) {
  const auto n = static_cast<std::int64_t>(values.size());
  return results::Dataset{std::move(name), std::move(unit), {n}, {}, std::move(values), {}, std::move(description),
                          results::DatasetKind::integers};
}

}  // namespace hopelab::batch
