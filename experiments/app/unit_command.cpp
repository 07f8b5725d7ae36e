#include "unit_command.h"

#include <iostream>
#include <memory>
#include <set>

#include "batch/execute_unit.h"
#include "batch/run_progress.h"
#include "batch/spec.h"
#include "cli_method_options.h"
#include "field_flags.h"
#include "kinds/registry.h"
#include "record_output.h"
#include "results/results_file.h"
#include "sim/backend_registry.h"

namespace hopelab::cli {

namespace {

struct UnitArgs {
  kinds::UnitSettings settings;
  FieldFlags flags;
  params::ExperimentParams limits;  // its max_work and backend: --max-work, --backend
  bool json = false;
  UnitCommandOptions options;
};

Json setting_json(const std::string& v) { return v; }
Json setting_json(std::int64_t v) { return v; }
Json setting_json(double v) { return number_json(v); }
Json setting_json(bool v) { return v; }
Json setting_json(const std::vector<double>& v) { return v.empty() ? Json(nullptr) : numbers_json(v); }
Json setting_json(const std::vector<std::string>& v) { return v.empty() ? Json(nullptr) : Json(v); }
template <class T>
Json setting_json(const std::optional<T>& v) {
  return v ? setting_json(*v) : Json(nullptr);
}

// Every field's resolved value (absent fields, unset or empty: null).
Json settings_json(const kinds::Settings& s) {
  Json out = Json::object();
  kinds::for_each_field(s, [&](const params::Field& f, auto& member) { out[f.name] = setting_json(member); });
  return out;
}

// The record's attributes that are not settings (result, reason, z_bound, seconds, ...).
Json extra_attributes_json(const results::RunRecord& r, const Json& settings) {
  static const std::set<std::string> bookkeeping = {"unit", "run", "kind", "seed"};
  Json out = Json::object();
  for (const results::Attribute& a : r.attributes) {
    if (bookkeeping.count(a.name) || settings.contains(a.name)) continue;
    out[a.name] = std::visit([](const auto& v) { return Json(v); }, a.value);
  }
  return out;
}

// The units of those attributes that have one ("z_bound": "1", "seconds": "s"), as `inspect
// --json` gives a unit group's attribute_units.
Json attribute_units_json(const results::RunRecord& r, const Json& attributes) {
  Json out = Json::object();
  for (const results::Attribute& a : r.attributes) {
    if (attributes.contains(a.name) && !a.unit.empty()) out[a.name] = a.unit;
  }
  return out;
}

void run_unit(UnitArgs& a) {
  a.flags.apply();
  a.settings->mark_given(a.flags.given_fields());
  params::check_max_work(a.limits.max_work, "max_work");
  const batch::WorkUnit unit = batch::single_unit(a.settings, a.limits.max_work);
  use_backend(parse_backend_choice(a.limits.backend, "--backend"));
  const results::RunRecord record = batch::execute_unit_showing_time(unit);  // elapsed time on a terminal
  if (a.options.after_compute) a.options.after_compute(unit, record);
  results::Provenance provenance = results::current_provenance();
  provenance.seed = unit.seed;
  const Json settings = settings_json(*unit.settings);
  const Json attributes = extra_attributes_json(record, settings);
  const Json units = attribute_units_json(record, attributes);
  if (a.json) {
    Json datasets = Json::object();
    for (const results::Dataset& d : record.datasets) {
      Json one = dataset_json(d, true);
      one.erase("name");
      datasets[d.name] = one;
    }
    const Json out = {{"kind", unit.kind},           {"seed", unit.seed},     {"settings", settings},
                      {"attributes", attributes},    {"attribute_units", units},
                      {"datasets", datasets},        {"provenance", provenance_json(provenance)}};
    std::cout << out.dump() << '\n';
    return;
  }
  if (a.options.print) {
    a.options.print(unit, record, std::cout);
    return;
  }
  std::cout << unit.kind << ", seed " << unit.seed << " (hopelab " << provenance.hopelab_version << ", git "
            << provenance.git_commit << (provenance.git_dirty ? " dirty" : "") << ", " << provenance.backend << ")\n";
  std::string line;
  for (const std::string& s : batch::unit_settings(unit)) line += (line.empty() ? "" : " ") + s;
  std::cout << "settings: " << line << "\n";
  for (auto it = attributes.begin(); it != attributes.end(); ++it) {
    const std::string bracket = units.contains(it.key()) ? " [" + units[it.key()].get<std::string>() + "]" : "";
    std::cout << it.key() << ": " << (it->is_string() ? it->get<std::string>() : it->dump()) << bracket << "\n";
  }
  std::cout << "\n";
  print_datasets(record, std::cout);
}

// Whether the kind's settings hold every method field (then --config can set them).
bool has_method_fields(const kinds::Kind& kind) {
  std::set<std::string> names;
  for (const params::FieldInfo& f : kind.schema()) names.insert(f.name);
  for (const params::FieldInfo& f : params::schema_of<params::MethodParams>()) {
    if (names.count(f.name) == 0) return false;
  }
  return true;
}

}  // namespace

void add_unit_command(CLI::App& app) {
  CLI::App* unit = app.add_subcommand(
      "unit", "compute one unit of a kind from flags named as a spec's keys (hopelab kinds KIND lists them)");
  unit->require_subcommand(1);
  for (const kinds::Kind* kind : kinds::all_kinds()) add_unit_subcommand(*unit, kind->name(), kind->summary(), *kind);
}

CLI::App* add_unit_subcommand(CLI::App& parent, const std::string& name, const std::string& description,
                              const kinds::Kind& kind, UnitCommandOptions options) {
  auto a = std::make_shared<UnitArgs>();
  a->settings = kinds::UnitSettings(kind.defaults());
  a->options = std::move(options);
  CLI::App* cmd = parent.add_subcommand(name, description);
  if (a->options.add_flags) a->options.add_flags(*cmd, a->flags, *a->settings);
  a->flags.add(*cmd, *a->settings, a->options.skip, a->options.flag_names);
  if (has_method_fields(kind)) {
    const kinds::Settings* settings = &*a->settings;
    add_model_config_option(*cmd, a->flags, [settings] { return kinds::settings_as<params::MethodParams>(*settings).method; });
  }
  a->flags.add(*cmd, a->limits, {"name", "seed", "description", "samples_factor"});
  for (const std::string& key : kind.required()) a->flags.require(key);
  for (const std::string& key : a->options.required) a->flags.require(key);
  cmd->add_flag("--json", a->json, "print one JSON object: settings, attributes, datasets with values, provenance");
  cmd->callback([a] { run_unit(*a); });
  return cmd;
}

}  // namespace hopelab::cli
