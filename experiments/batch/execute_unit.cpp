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

results::RunRecord execute_unit(const WorkUnit& unit) {
  const auto start = std::chrono::steady_clock::now();
  results::RunRecord r;
  r.unit_index = unit.index;
  r.group = unit.group;
  r.attributes.push_back({"unit", unit.name});
  r.attributes.push_back({"run", unit.run});
  r.attributes.push_back({"kind", unit.kind});
  r.attributes.push_back({"seed", static_cast<std::int64_t>(unit.seed)});
  kinds::for_each_field(*unit.settings, AttributeWriter{r.attributes});
  unit.settings->compute(unit.seed, r);
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  r.attributes.push_back({"seconds", elapsed.count()});
  return r;
}

}  // namespace hopelab::batch
