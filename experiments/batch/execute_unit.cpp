#include "batch/execute_unit.h"

#include <chrono>

#include "kinds/kind.h"

namespace hopelab::batch {

namespace {

using results::Attribute;

// Writes a unit's fields as attributes. "seed" is written once per record, as the unit's
// effective seed (execute_unit); absent fields (unset optional, empty array) are left out.
struct AttributeWriter {
  std::vector<Attribute>& out;
  void operator()(const params::Field& f, const std::string& v) { out.push_back({f.name, v}); }
  void operator()(const params::Field& f, std::int64_t v) { out.push_back({f.name, v}); }
  void operator()(const params::Field& f, double v) { out.push_back({f.name, v}); }
  void operator()(const params::Field& f, bool v) { out.push_back({f.name, std::int64_t{v ? 1 : 0}}); }
  void operator()(const params::Field& f, const std::vector<double>& v) {
    if (!v.empty()) out.push_back({f.name, v});
  }
  void operator()(const params::Field& f, const std::vector<std::string>& v) {
    if (!v.empty()) out.push_back({f.name, params::value_text(v)});
  }
  template <class T>
  void operator()(const params::Field& f, const std::optional<T>& v) {
    if (v && std::string(f.name) != "seed") (*this)(f, *v);
  }
};

}  // namespace

void validate_unit(const WorkUnit& unit) { unit.settings->check(unit.seed); }

namespace {

// The record's bookkeeping and settings, before the kind's datasets.
results::RunRecord record_of(const WorkUnit& unit) {
  results::RunRecord r;
  r.unit_index = unit.index;
  r.group = unit.group;
  r.attributes.push_back({"unit", unit.name});
  r.attributes.push_back({"run", unit.run});
  r.attributes.push_back({"kind", unit.kind});
  r.attributes.push_back({"seed", static_cast<std::int64_t>(unit.seed)});
  kinds::for_each_field(*unit.settings, AttributeWriter{r.attributes});
  return r;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

results::RunRecord execute_unit(const WorkUnit& unit) {
  const auto start = std::chrono::steady_clock::now();
  results::RunRecord r = record_of(unit);
  unit.settings->compute(unit.seed, r);
  r.attributes.push_back({"seconds", seconds_since(start)});
  return r;
}

std::vector<double> execute_parts(const WorkUnit& unit, std::int64_t first, std::int64_t last) {
  return unit.settings->compute_parts(unit.seed, first, last);
}

results::RunRecord execute_unit_from_parts(const WorkUnit& unit, const std::vector<double>& accumulators,
                                           double part_seconds) {
  const auto start = std::chrono::steady_clock::now();
  results::RunRecord r = record_of(unit);
  unit.settings->compute_from_parts(unit.seed, accumulators, r);
  r.attributes.push_back({"seconds", part_seconds + seconds_since(start)});
  return r;
}

}  // namespace hopelab::batch
