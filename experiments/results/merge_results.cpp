#include "results/merge_results.h"

#include <map>

#include "theory/input_error.h"

namespace hopelab::results {

namespace {

// Refuses `input` when `field` differs from the first input's.
template <class Value>
void require_same(const NamedResults& first, const NamedResults& input, const char* field, const Value& expected,
                  const Value& actual, const std::string& expected_text, const std::string& actual_text) {
  if (expected == actual) return;
  throw InputError("cannot merge '" + input.path + "': its " + field + " " + actual_text + " differs from '" +
                   first.path + "' (" + expected_text + ")");
}

void require_same_text(const NamedResults& first, const NamedResults& input, const char* field,
                       const std::string& expected, const std::string& actual, bool quote = true) {
  require_same(first, input, field, expected, actual, quote ? "'" + expected + "'" : "its own",
               quote ? "'" + actual + "'" : "text");
}

// The common value of a provenance field, or "mixed".
std::string common_or_mixed(const std::vector<NamedResults>& inputs, std::string Provenance::*field) {
  const std::string& first = inputs.front().file.provenance.*field;
  for (const NamedResults& input : inputs) {
    if (input.file.provenance.*field != first) return "mixed";
  }
  return first;
}

}  // namespace

ResultsFile merge_results(const std::vector<NamedResults>& inputs, const std::string& created_utc) {
  if (inputs.empty()) throw InputError("merge needs at least one input file");
  const NamedResults& first = inputs.front();
  const Provenance& p0 = first.file.provenance;
  std::map<std::int64_t, std::pair<const RunRecord*, const std::string*>> units;  // unit -> record, its file
  std::map<std::string, std::int64_t> groups;                                       // group -> unit
  bool dirty = false;
  for (const NamedResults& input : inputs) {
    const Provenance& p = input.file.provenance;
    const std::int64_t major0 = first.file.format_version.empty() ? -1 : first.file.format_version[0];
    const std::int64_t major = input.file.format_version.empty() ? -1 : input.file.format_version[0];
    require_same(first, input, "format major", major0, major, std::to_string(major0), std::to_string(major));
    require_same_text(first, input, "spec_name", p0.spec_name, p.spec_name);
    require_same_text(first, input, "spec_text", p0.spec_text, p.spec_text, false);
    require_same(first, input, "seed", p0.seed, p.seed, std::to_string(p0.seed), std::to_string(p.seed));
    require_same(first, input, "units_total", p0.units_total, p.units_total, std::to_string(p0.units_total),
                 std::to_string(p.units_total));
    require_same_text(first, input, "rng", p0.rng, p.rng);
    dirty = dirty || p.git_dirty;
    for (const RunRecord& record : input.file.records) {
      if (record.unit_index < 0 || record.unit_index >= p.units_total) {
        throw InputError("cannot merge '" + input.path + "': unit_index " + std::to_string(record.unit_index) +
                         " of '" + record.group + "' is outside 0.." + std::to_string(p.units_total - 1));
      }
      const auto [group, new_group] = groups.emplace(record.group, record.unit_index);
      if (!new_group && group->second != record.unit_index) {
        throw InputError("cannot merge '" + input.path + "': group '" + record.group + "' is unit " +
                         std::to_string(record.unit_index) + " there but unit " + std::to_string(group->second) +
                         " in an earlier input");
      }
      const auto [unit, new_unit] = units.emplace(record.unit_index, std::make_pair(&record, &input.path));
      if (!new_unit && *unit->second.first != record) {
        throw InputError("cannot merge '" + input.path + "': unit " + std::to_string(record.unit_index) + " ('" +
                         record.group + "') differs from the same unit in '" + *unit->second.second + "'");
      }
    }
  }

  ResultsFile out;
  out.format_version.assign(kFormatVersion.begin(), kFormatVersion.end());
  out.provenance = p0;
  Provenance& p = out.provenance;
  p.hopelab_version = common_or_mixed(inputs, &Provenance::hopelab_version);
  p.git_commit = common_or_mixed(inputs, &Provenance::git_commit);
  p.git_dirty = dirty;
  p.host = common_or_mixed(inputs, &Provenance::host);
  p.backend = common_or_mixed(inputs, &Provenance::backend);
  p.device = common_or_mixed(inputs, &Provenance::device);
  p.compute_capability = common_or_mixed(inputs, &Provenance::compute_capability);
  p.driver_version = common_or_mixed(inputs, &Provenance::driver_version);
  p.runtime_version = common_or_mixed(inputs, &Provenance::runtime_version);
  p.instruction_set = common_or_mixed(inputs, &Provenance::instruction_set);
  for (const NamedResults& input : inputs) {
    if (input.file.provenance.ranks != p0.ranks) p.ranks = 0;  // mixed
  }
  p.created_utc = created_utc;
  for (const auto& unit : units) out.records.push_back(*unit.second.first);
  const auto present = static_cast<std::int64_t>(out.records.size());
  p.shard = present == p.units_total ? "all"
                                     : "partial (" + std::to_string(present) + " of " + std::to_string(p.units_total) +
                                           " units)";
  return out;
}

ResultsFile merge_results_files(const std::vector<std::string>& paths, const std::string& output, bool overwrite,
                                const DerivedRecords& derived, const RecordCheck& check) {
  std::vector<NamedResults> inputs;
  for (const std::string& path : paths) {
    inputs.push_back({path, read_results_file(path)});
    ResultsFile& file = inputs.back().file;
    for (RunRecord& record : file.records) {
      try {
        if (check) check(record, file);
      } catch (const InputError& e) {
        throw InputError("cannot merge '" + path + "': " + e.what());
      }
    }
  }
  ResultsFile merged = merge_results(inputs, current_provenance().created_utc);
  std::vector<RunRecord> records = merged.records;
  if (derived) {
    for (RunRecord& record : derived(merged)) records.push_back(std::move(record));
  }
  write_results_file(output, merged.provenance, records, overwrite);
  return merged;
}

}  // namespace hopelab::results
