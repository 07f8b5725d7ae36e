#include "record_output.h"

#include <cmath>
#include <ostream>

#include "theory/binomial.h"

namespace hopelab::cli {

Json provenance_json(const results::Provenance& p, bool with_spec_text) {
  Json out = {{"hopelab_version", p.hopelab_version}, {"git_commit", p.git_commit},
              {"git_dirty", p.git_dirty},             {"created_utc", p.created_utc},
              {"host", p.host},                       {"backend", p.backend},
              {"device", p.device},                   {"compute_capability", p.compute_capability},
              {"driver_version", p.driver_version},   {"runtime_version", p.runtime_version},
              {"instruction_set", p.instruction_set},
              {"rng", p.rng},                         {"seed", p.seed},
              {"spec_name", p.spec_name}};
  if (with_spec_text) out["spec_text"] = p.spec_text;
  return out;
}

Json claims_json(const std::vector<batch::ClaimResult>& claims) {
  Json out = Json::array();
  for (const batch::ClaimResult& c : claims) {
    out.push_back({{"id", c.id},
                   {"verdict", c.verdict},
                   {"statement", c.statement},
                   {"source", c.source},
                   {"rule", c.rule},
                   {"runs", c.runs},
                   {"assumption", c.assumption},
                   {"value", number_json(c.numbers.value)},
                   {"threshold", number_json(c.numbers.threshold)},
                   {"ratio", number_json(c.numbers.ratio)},
                   {"violation_at", number_json(c.numbers.violation_at)},
                   {"why", c.why},
                   {"computed", c.computed},
                   {"monte_carlo", c.monte_carlo}});
  }
  return out;
}

std::string wilson_text(double rate, double trials) {
  if (!(trials >= 1) || !(rate >= 0 && rate <= 1)) return "-";
  const auto n = static_cast<std::int64_t>(std::llround(trials));
  const ProportionInterval i = wilson_interval(std::llround(rate * static_cast<double>(n)), n);
  return "[" + compact_text(i.low) + ", " + compact_text(i.high) + "]";
}

const char* dataset_type_name(const results::Dataset& d) {
  switch (results::resolved_kind(d)) {
    case results::DatasetKind::integers: return "int64";
    case results::DatasetKind::strings: return "string";
    default: return "float64";
  }
}

Json dataset_json(const results::Dataset& d, bool with_values) {
  Json out = {{"name", d.name}, {"shape", d.shape}, {"type", dataset_type_name(d)}, {"unit", d.unit},
              {"description", d.description}};
  if (!with_values) return out;
  switch (results::resolved_kind(d)) {
    case results::DatasetKind::integers: out["values"] = d.integers; break;
    case results::DatasetKind::strings: out["values"] = d.strings; break;
    default: out["values"] = numbers_json(d.numbers); break;
  }
  return out;
}

void print_datasets(const results::RunRecord& r, std::ostream& out, std::size_t shown) {
  Table table({"dataset", "unit", "shape", "values"});
  for (const results::Dataset& d : r.datasets) {
    std::string shape, values;
    for (std::int64_t n : d.shape) shape += (shape.empty() ? "" : "x") + std::to_string(n);
    const std::size_t count = d.integers.size() + d.numbers.size() + d.strings.size();
    for (std::size_t k = 0; k < count && k < shown; ++k) {
      const std::string v = !d.integers.empty() ? std::to_string(d.integers[k])
                            : !d.numbers.empty() ? compact_text(d.numbers[k])
                                                 : d.strings[k];
      values += (k ? " " : "") + v;
    }
    if (count > shown) values += " ... (" + std::to_string(count) + " values; --json prints all)";
    table.add_row({d.name, d.unit.empty() ? "-" : d.unit, d.shape.empty() ? "()" : shape, values.empty() ? "(empty)" : values});
  }
  table.print(out);
}

}  // namespace hopelab::cli
