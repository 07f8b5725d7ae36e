#include "batch/spec.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include <toml++/toml.h>

#include "batch/claims.h"
#include "batch/execute_unit.h"
#include "kinds/registry.h"
#include "params/work_limit.h"
#include "sim/backend_registry.h"
#include "theory/input_error.h"
#include "vlm/file_bytes.h"

namespace hopelab::batch {

namespace {

// Where a field's value comes from: its TOML node and the key path that names it in errors
// (run[2].base, run[2].sweep.base[1]).
struct Source {
  const toml::node* node = nullptr;
  std::string path;
};
using Sources = std::map<std::string, Source>;

[[noreturn]] void fail(const std::string& file, const std::string& path, const std::string& what) {
  throw InputError(file + ": " + path + ": " + what);
}

// "string \"abc\"", "integer 3", "array", ...: the type of a node and its value when scalar.
std::string describe(const toml::node& node) {
  std::ostringstream text;
  text << node.type();
  if (const auto* s = node.as_string()) text << " \"" << s->get() << '"';
  if (const auto* i = node.as_integer()) text << ' ' << i->get();
  if (const auto* f = node.as_floating_point()) text << ' ' << f->get();
  if (const auto* b = node.as_boolean()) text << ' ' << (b->get() ? "true" : "false");
  return text.str();
}

[[noreturn]] void expected(const std::string& file, const Source& s, const std::string& what) {
  fail(file, s.path, "expected " + what + ", got " + describe(*s.node));
}

// ---- the reading visitor: one overload per field type ---------------------------------------

void read(const std::string& file, const Source& s, std::string& field) {
  const auto* v = s.node->as_string();
  if (v == nullptr) expected(file, s, "a string");
  field = v->get();
}

// Integers are decimal, in a spec as on the command line (params/field_text.h): TOML's 0x, 0o
// and 0b forms are refused.
const toml::value<std::int64_t>* decimal_integer(const std::string& file, const Source& s) {
  const auto* v = s.node->as_integer();
  if (v == nullptr) return nullptr;
  const toml::value_flags flags = v->flags();
  if (!!(flags & (toml::value_flags::format_as_hexadecimal | toml::value_flags::format_as_octal |
                  toml::value_flags::format_as_binary))) {
    fail(file, s.path, "expected a decimal integer, got " + describe(*s.node) + " written in hexadecimal, octal or binary");
  }
  return v;
}

void read(const std::string& file, const Source& s, std::int64_t& field) {
  const auto* v = decimal_integer(file, s);
  if (v == nullptr) expected(file, s, "an integer");
  field = v->get();
}

void read(const std::string& file, const Source& s, double& field) {
  if (const auto* i = decimal_integer(file, s)) {
    field = static_cast<double>(i->get());
    return;
  }
  const auto* v = s.node->as_floating_point();
  if (v == nullptr || !std::isfinite(v->get())) expected(file, s, "a finite number");
  field = v->get();
}

void read(const std::string& file, const Source& s, bool& field) {
  const auto* v = s.node->as_boolean();
  if (v == nullptr) expected(file, s, "true or false");
  field = v->get();
}

template <class T>
void read(const std::string& file, const Source& s, std::optional<T>& field) {
  T value{};
  read(file, s, value);
  field = value;
}

void read(const std::string& file, const Source& s, std::vector<double>& field) {
  const auto* array = s.node->as_array();
  if (array == nullptr || array->empty()) expected(file, s, "a non-empty array of numbers");
  field.clear();
  for (size_t k = 0; k < array->size(); ++k) {
    double value = 0.0;
    read(file, Source{array->get(k), s.path + "[" + std::to_string(k) + "]"}, value);
    field.push_back(value);
  }
}

void read(const std::string& file, const Source& s, std::vector<std::string>& field) {
  const auto* array = s.node->as_array();
  if (array == nullptr || array->empty()) expected(file, s, "a non-empty array of strings");
  field.clear();
  for (size_t k = 0; k < array->size(); ++k) {
    std::string value;
    read(file, Source{array->get(k), s.path + "[" + std::to_string(k) + "]"}, value);
    field.push_back(value);
  }
}

struct TomlReader {
  const std::string& file;
  const Sources& sources;
  std::set<std::string>& used;
  template <class T>
  void operator()(const params::Field& f, T& field) {
    const auto it = sources.find(f.name);
    if (it == sources.end()) return;
    used.insert(f.name);
    read(file, it->second, field);
  }
};

// ---- the printing visitor: "key=value" of every set field --------------------------------------

struct Printer {
  std::map<std::string, std::string>& text;
  std::vector<std::string>* ordered = nullptr;
  template <class T>
  void operator()(const params::Field& f, T& field) {
    put(f.name, params::value_text(field));
  }
  template <class T>
  void operator()(const params::Field& f, std::vector<T>& field) {
    if (!field.empty()) put(f.name, params::value_text(field));
  }
  void operator()(const params::Field& f, std::string& field) {
    text[f.name] = field;
    if (ordered && !field.empty()) ordered->push_back(std::string(f.name) + "=" + field);
  }
  template <class T>
  void operator()(const params::Field& f, std::optional<T>& field) {
    if (field) put(f.name, params::value_text(*field));
  }
  void put(const char* key, const std::string& value) {
    text[key] = value;
    if (ordered) ordered->push_back(std::string(key) + "=" + value);
  }
};

std::vector<std::string> field_keys(const kinds::Kind& kind) {
  std::vector<std::string> keys;
  for (const params::FieldInfo& f : kind.schema()) keys.push_back(f.name);
  return keys;
}

bool valid_run_name(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

std::string group_name(const std::string& name) {
  std::string group = "/runs/";
  for (char c : name) {
    if (c == '/' || c == ',') group += "__";
    else if (c == '=') group += '-';
    else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
             c == '-') group += c;
    else group += '_';
  }
  return group;
}

// A spec file's text: a regular file (read_file_bytes refuses FIFOs, devices and directories)
// of at most kMaxSpecBytes.
std::string read_text(const std::string& path) {
  constexpr std::uintmax_t kMaxSpecBytes = 16 << 20;
  std::error_code error;
  if (std::filesystem::is_regular_file(path, error) && std::filesystem::file_size(path, error) > kMaxSpecBytes) {
    throw InputError(path + ": a spec file of more than " + std::to_string(kMaxSpecBytes) + " bytes");
  }
  try {
    const std::vector<std::uint8_t> bytes = read_file_bytes(path);
    return std::string(bytes.begin(), bytes.end());
  } catch (const InputError& e) {
    throw InputError(std::string("spec: ") + e.what());
  }
}

// The keys of a table in file order (toml++ tables iterate sorted by key).
std::vector<std::string> keys_in_file_order(const toml::table& table) {
  std::vector<std::pair<toml::source_position, std::string>> keys;
  for (const auto& [key, node] : table) keys.emplace_back(key.source().begin, std::string(key.str()));
  std::stable_sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) {
    return a.first.line != b.first.line ? a.first.line < b.first.line : a.first.column < b.first.column;
  });
  std::vector<std::string> out;
  for (auto& k : keys) out.push_back(std::move(k.second));
  return out;
}

void refuse_unused(const std::string& file, const Sources& sources, const std::set<std::string>& used,
                   const std::string& owner) {
  for (const auto& [key, source] : sources) {
    if (used.count(key) == 0) fail(file, source.path, "unknown key for " + owner);
  }
}

// Reads `sources` into `fields`; any key the fields do not list is an unknown key.
template <class Fields>
void read_fields(const std::string& file, const Sources& sources, Fields& fields, const std::string& owner) {
  std::set<std::string> used;
  visit_fields(fields, TomlReader{file, sources, used});
  refuse_unused(file, sources, used, owner);
}

// Reads `sources` into `settings` and marks every key read as given (Settings::mark_given): an
// option that does not apply is refused at any value, its default included.
void read_settings(const std::string& file, const Sources& sources, kinds::Settings& settings,
                   const std::string& owner) {
  std::set<std::string> used;
  kinds::visit_settings(settings, TomlReader{file, sources, used});
  refuse_unused(file, sources, used, owner);
  settings.mark_given(used);
}

// The engines' checks (validate_unit), then the work limit (params/work_limit.h).
void validate_unit_within(const WorkUnit& unit, double max_work) {
  batch::validate_unit(unit);
  params::check_work(unit.settings->work(), max_work, "this unit");
}

std::uint64_t checked_seed(const std::string& file, const Sources& sources, std::int64_t seed) {
  if (seed < 0) fail(file, sources.at("seed").path, "expected an integer >= 0, got " + std::to_string(seed));
  return static_cast<std::uint64_t>(seed);
}

void expand_run(Experiment& ex, const toml::table& run, std::int64_t run_index, std::set<std::string>& run_names) {
  const std::string& file = ex.path;
  const std::string at = "run[" + std::to_string(run_index) + "]";
  const auto required_string = [&](const char* key) {
    const toml::node* node = run.get(key);
    if (node == nullptr) fail(file, at + "." + key, "required");
    std::string value;
    read(file, Source{node, at + "." + key}, value);
    return value;
  };
  const std::string name = required_string("name");
  if (!valid_run_name(name)) fail(file, at + ".name", "expected [a-z0-9_-]+, got \"" + name + "\"");
  if (!run_names.insert(name).second) fail(file, at + ".name", "duplicate run name \"" + name + "\"");
  const std::string kind = required_string("kind");
  const kinds::Kind* kind_of = kinds::find_kind(kind);
  if (kind_of == nullptr) fail(file, at + ".kind", "expected one of " + kinds::kind_list() + ", got \"" + kind + "\"");
  const std::vector<std::string> fields = field_keys(*kind_of);
  const auto is_field = [&](const std::string& key) { return std::count(fields.begin(), fields.end(), key) > 0; };

  Sources base;
  for (const std::string& key : keys_in_file_order(run)) {
    if (key == "name" || key == "kind" || key == "sweep") continue;
    base[key] = Source{run.get(key), at + "." + key};
  }
  // The sweep: key -> its values, keys in file order.
  std::vector<std::pair<std::string, const toml::array*>> sweep;
  if (const toml::node* node = run.get("sweep")) {
    const toml::table* table = node->as_table();
    if (table == nullptr) fail(file, at + ".sweep", "expected a table of arrays, got " + describe(*node));
    for (const std::string& key : keys_in_file_order(*table)) {
      const std::string path = at + ".sweep." + key;
      const toml::node* values = table->get(key);
      if (!is_field(key)) fail(file, path, "sweep over an unknown field of kind " + kind);
      if (base.count(key)) fail(file, path, "also set in " + at + "; set it in one place");
      const toml::array* array = values->as_array();
      if (array == nullptr) fail(file, path, "expected a non-empty array, got " + describe(*values));
      if (array->empty()) fail(file, path, "expected a non-empty array, got an empty one");
      sweep.emplace_back(key, array);
    }
  }
  // Counted before anything is expanded: every unit is held in memory.
  std::int64_t points = 1;
  for (const auto& [key, values] : sweep) {
    const auto size = static_cast<std::int64_t>(values->size());
    if (points > (params::kMaxSpecUnits - static_cast<std::int64_t>(ex.units.size())) / size) {
      fail(file, at + ".sweep", "expands to more than " + std::to_string(params::kMaxSpecUnits) +
                                    " units in the spec (at most " + std::to_string(params::kMaxSpecUnits) + ")");
    }
    points *= size;
  }
  for (const std::string& key : kind_of->required()) {
    const bool swept = std::any_of(sweep.begin(), sweep.end(), [&](const auto& s) { return s.first == key; });
    if (!base.count(key) && !swept) fail(file, at + "." + key, "required for kind " + kind);
  }

  // Cartesian product, first key slowest.
  std::vector<size_t> point(sweep.size(), 0);
  while (true) {
    Sources sources = base;
    for (size_t k = 0; k < sweep.size(); ++k) {
      sources[sweep[k].first] = Source{sweep[k].second->get(point[k]),
                                       at + ".sweep." + sweep[k].first + "[" + std::to_string(point[k]) + "]"};
    }
    WorkUnit unit;
    unit.index = static_cast<std::int64_t>(ex.units.size());
    unit.run_index = run_index;
    unit.run = name;
    unit.kind = kind;
    unit.settings = kinds::UnitSettings(kind_of->defaults());
    read_settings(file, sources, *unit.settings, "kind " + kind);
    try {
      unit.settings->scale_samples(ex.fields.samples_factor);
    } catch (const InputError& e) {
      fail(file, at + ".samples", e.what());
    }
    const std::optional<std::int64_t> seed = kinds::seed_field(*unit.settings);
    unit.seed = seed ? checked_seed(file, sources, *seed) : static_cast<std::uint64_t>(ex.fields.seed);
    std::map<std::string, std::string> text;
    kinds::visit_settings(*unit.settings, Printer{text});
    unit.name = name;
    for (size_t k = 0; k < sweep.size(); ++k) {
      unit.name += (k ? "," : "/") + sweep[k].first + "=" + text[sweep[k].first];
    }
    unit.group = group_name(unit.name);
    try {
      validate_unit_within(unit, ex.fields.max_work);
    } catch (const InputError& e) {
      throw InputError(file + ": " + at + " (unit " + unit.name + "): " + e.what());
    }
    ex.units.push_back(std::move(unit));
    // Odometer: the last key turns fastest.
    size_t k = sweep.size();
    while (k > 0 && ++point[k - 1] == sweep[k - 1].second->size()) point[--k] = 0;
    if (k == 0) break;
  }
}

// Reads claim[index]; its rule, runs and parameters are checked by check_claim (claims.h).
void read_claim(Experiment& ex, const toml::node& node, std::int64_t index, std::set<std::string>& ids) {
  const std::string at = "claim[" + std::to_string(index) + "]";
  const toml::table* table = node.as_table();
  if (table == nullptr) fail(ex.path, at, "expected a table");
  Sources sources;
  for (const std::string& key : keys_in_file_order(*table)) sources[key] = Source{table->get(key), at + "." + key};
  Claim claim;
  claim.index = index;
  read_fields(ex.path, sources, claim.fields, "[[claim]]");
  std::map<std::string, std::string> text;
  visit_fields(claim.fields, Printer{text});
  for (const char* key : {"id", "statement", "source", "rule"}) {
    if (text[key].empty()) fail(ex.path, at + "." + key, "required (a non-empty string)");
  }
  if (claim.fields.runs.empty()) fail(ex.path, at + ".runs", "required (a non-empty array of run names)");
  if (!ids.insert(claim.fields.id).second) fail(ex.path, at + ".id", "duplicate claim id \"" + claim.fields.id + "\"");
  try {
    check_claim(ex, claim);
  } catch (const ClaimError& e) {
    fail(ex.path, at + "." + e.key, e.what());
  }
  ex.claims.push_back(std::move(claim));
}

}  // namespace

Experiment parse_spec(const std::string& path) { return parse_spec_text(read_text(path), path); }

Experiment parse_spec(const std::string& path, std::int64_t samples_factor) {
  const Experiment plain = parse_spec(path);
  if (samples_factor == 1) return plain;
  if (samples_factor < 1) throw InputError("--samples-factor must be >= 1, got " + std::to_string(samples_factor));
  if (plain.fields.samples_factor != 1) {
    fail(path, "experiment.samples_factor", "set in the spec; edit it there instead of --samples-factor");
  }
  // The line goes into [experiment], so the stored spec_text reproduces the run (and resume and
  // merge compare it like any other edit of the spec).
  std::istringstream lines(plain.text);
  std::string text, line;
  bool inserted = false;
  while (std::getline(lines, line)) {
    text += line + "\n";
    const size_t first = line.find_first_not_of(" \t");
    if (!inserted && first != std::string::npos && line.compare(first, 12, "[experiment]") == 0) {
      text += "samples_factor = " + std::to_string(samples_factor) + "  # set by hopelab run --samples-factor\n";
      inserted = true;
    }
  }
  if (!inserted) fail(path, "experiment", "--samples-factor needs an [experiment] table header on a line of its own");
  return parse_spec_text(text, path);
}

Experiment parse_spec_text(const std::string& text, const std::string& path) {
  Experiment ex;
  ex.path = path;
  ex.text = text;
  toml::table root;
  try {
    root = toml::parse(ex.text, path);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw InputError(path + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) +
                     ": TOML syntax error: " + std::string(e.description()));
  }
  for (const std::string& key : keys_in_file_order(root)) {
    if (key != "experiment" && key != "run" && key != "claim") {
      fail(path, key, "unknown key (expected [experiment], [[run]] and [[claim]])");
    }
  }
  const toml::table* experiment = root["experiment"].as_table();
  if (experiment == nullptr) fail(path, "experiment", "required table [experiment] missing or not a table");
  Sources sources;
  for (const std::string& key : keys_in_file_order(*experiment)) {
    sources[key] = Source{experiment->get(key), "experiment." + key};
  }
  read_fields(path, sources, ex.fields, "[experiment]");
  if (ex.fields.name.empty()) fail(path, "experiment.name", "required (a non-empty string)");
  if (!std::all_of(ex.fields.name.begin(), ex.fields.name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
      })) {
    fail(path, "experiment.name", "expected [A-Za-z0-9._-]+ (it names the output file), got \"" + ex.fields.name + "\"");
  }
  if (ex.fields.seed < 0) {
    fail(path, "experiment.seed", "expected an integer >= 0, got " + std::to_string(ex.fields.seed));
  }
  try {
    params::check_max_work(ex.fields.max_work, "max_work");
  } catch (const InputError& e) {
    fail(path, "experiment.max_work", e.what());
  }
  try {
    parse_backend_choice(ex.fields.backend, "backend");
  } catch (const InputError& e) {
    fail(path, "experiment.backend", e.what());
  }
  if (ex.fields.samples_factor < 1) {
    fail(path, "experiment.samples_factor",
         "expected an integer >= 1, got " + std::to_string(ex.fields.samples_factor));
  }
  const toml::array* runs = root["run"].as_array();
  if (runs == nullptr || runs->empty()) fail(path, "run", "expected at least one [[run]] table");
  std::set<std::string> run_names;
  for (size_t i = 0; i < runs->size(); ++i) {
    const toml::table* run = runs->get(i)->as_table();
    if (run == nullptr) fail(path, "run[" + std::to_string(i) + "]", "expected a table");
    expand_run(ex, *run, static_cast<std::int64_t>(i), run_names);
  }
  std::map<std::string, std::string> groups;
  for (const WorkUnit& u : ex.units) {
    const auto [it, fresh] = groups.emplace(u.group, u.name);
    if (!fresh) {
      fail(path, "run[" + std::to_string(u.run_index) + "]",
           "units " + it->second + " and " + u.name + " share the HDF5 group " + u.group);
    }
  }
  if (const toml::node* claims = root.get("claim")) {
    const toml::array* array = claims->as_array();
    if (array == nullptr) fail(path, "claim", "expected [[claim]] tables");
    std::set<std::string> ids;
    for (size_t i = 0; i < array->size(); ++i) read_claim(ex, *array->get(i), static_cast<std::int64_t>(i), ids);
  }
  return ex;
}

WorkUnit single_unit(kinds::UnitSettings settings, double max_work) {
  WorkUnit unit;
  unit.kind = settings->kind().name();
  unit.run = unit.kind;
  unit.name = unit.kind;
  unit.group = group_name(unit.name);
  const std::optional<std::int64_t> seed = kinds::seed_field(*settings);
  if (seed && *seed < 0) throw InputError("seed must be >= 0, got " + std::to_string(*seed));
  unit.seed = seed ? static_cast<std::uint64_t>(*seed) : 0;
  unit.settings = std::move(settings);
  validate_unit_within(unit, max_work);
  return unit;
}

std::vector<std::string> unit_settings(const WorkUnit& unit) {
  std::map<std::string, std::string> text;
  std::vector<std::string> ordered;
  kinds::for_each_field(*unit.settings, Printer{text, &ordered});
  const std::vector<std::string> not_applying = unit.settings->fields_not_applying();
  std::vector<std::string> shown;
  for (std::string& line : ordered) {
    const std::string key = line.substr(0, line.find('='));
    if (std::find(not_applying.begin(), not_applying.end(), key) == not_applying.end()) shown.push_back(std::move(line));
  }
  return shown;
}

}  // namespace hopelab::batch
