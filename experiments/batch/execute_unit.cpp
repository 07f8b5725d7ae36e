#include "batch/execute_unit.h"

#include <chrono>

#include "kinds/record_form.h"

namespace hopelab::batch {

void validate_unit(const WorkUnit& unit) { unit.settings->check(unit.seed); }

results::RunRecord unit_record(const WorkUnit& unit) {
  results::RunRecord r;
  r.unit_index = unit.index;
  r.group = unit.group;
  r.attributes.push_back({"unit", unit.name});
  r.attributes.push_back({"run", unit.run});
  r.attributes.push_back({"kind", unit.kind});
  r.attributes.push_back({"seed", static_cast<std::int64_t>(unit.seed), kinds::kSeedUnit});
  for (results::Attribute& a : kinds::settings_attributes(*unit.settings)) r.attributes.push_back(std::move(a));
  return r;
}

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

results::RunRecord execute_unit(const WorkUnit& unit) {
  const auto start = std::chrono::steady_clock::now();
  results::RunRecord r = unit_record(unit);
  unit.settings->compute(unit.seed, r);
  r.attributes.push_back({"seconds", seconds_since(start), kinds::kSecondsUnit});
  return r;
}

std::vector<double> execute_parts(const WorkUnit& unit, std::int64_t first, std::int64_t last) {
  return unit.settings->compute_parts(unit.seed, first, last);
}

results::RunRecord execute_unit_from_parts(const WorkUnit& unit, const std::vector<double>& accumulators,
                                           double part_seconds) {
  const auto start = std::chrono::steady_clock::now();
  results::RunRecord r = unit_record(unit);
  unit.settings->compute_from_parts(unit.seed, accumulators, r);
  r.attributes.push_back({"seconds", part_seconds + seconds_since(start), kinds::kSecondsUnit});
  return r;
}

}  // namespace hopelab::batch
