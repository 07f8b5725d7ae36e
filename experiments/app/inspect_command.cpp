#include "inspect_command.h"

#include <algorithm>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "batch/claims_table.h"
#include "command_json.h"
#include "kinds/record_check.h"
#include "output/cli_output.h"
#include "record_output.h"
#include "results/results_file.h"
#include "theory/escape_text.h"

namespace hopelab::cli {

namespace {

using results::Attribute;
using results::Dataset;
using results::kClaimsGroup;
using results::ResultsFile;

struct InspectArgs {
  std::string file;
  bool json = false;
  bool spec = false;
};

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string text;
  for (size_t k = 0; k < shape.size(); ++k) text += (k ? "x" : "") + std::to_string(shape[k]);
  return shape.empty() ? "()" : text;  // () : one number (rank 0)
}

template <class T, class Print>
std::string list_text(const std::vector<T>& values, Print print) {
  if (values.size() > 4) return "[" + std::to_string(values.size()) + " values]";
  std::string text = "[";
  for (size_t k = 0; k < values.size(); ++k) text += (k ? "," : "") + print(values[k]);
  return text + "]";
}

std::string value_text(const results::AttributeValue& value) {
  const auto integer = [](std::int64_t i) { return std::to_string(i); };
  const auto number = [](double x) { return number_text(x); };
  if (const auto* i = std::get_if<std::int64_t>(&value)) return integer(*i);
  if (const auto* x = std::get_if<double>(&value)) return number(*x);
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  if (const auto* xs = std::get_if<std::vector<double>>(&value)) return list_text(*xs, number);
  return list_text(std::get<std::vector<std::int64_t>>(value), integer);
}

Json value_json(const results::AttributeValue& value) {
  return std::visit([](const auto& v) { return Json(v); }, value);
}

size_t line_count(const std::string& text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + (!text.empty() && text.back() != '\n');
}

void print_json(const InspectArgs& a, const ResultsFile& file, const CLI::App& cmd) {
  const results::Provenance& p = file.provenance;
  const Json provenance = provenance_json(p, a.spec);
  Json runs = Json::array();
  for (const results::RunRecord& record : file.records) {
    Json attributes = Json::object(), units = Json::object();
    for (const Attribute& attribute : record.attributes) {
      attributes[attribute.name] = value_json(attribute.value);
      if (!attribute.unit.empty()) units[attribute.name] = attribute.unit;
    }
    Json datasets = Json::array();
    for (const Dataset& dataset : record.datasets) datasets.push_back(dataset_json(dataset, false));
    runs.push_back({{"group", record.group}, {"unit_index", record.unit_index}, {"attributes", attributes},
                    {"attribute_units", units}, {"datasets", datasets}});
  }
  const Json out = {{"file", a.file},
                    {"settings", command_settings_json(cmd)},
                    {"filetype", results::kFileType},
                    {"format_version", file.format_version},
                    {"provenance", provenance},
                    {"runs_count", file.records.size()},
                    {"units_total", p.units_total},
                    {"shard", p.shard},
                    {"ranks", p.ranks},
                    {"runs", runs},
                    {"claims", file.claims ? claims_json(batch::claims_from_record(*file.claims)) : Json::array()}};
  std::cout << json_line(out) << '\n';
}

void print_text(const InspectArgs& a, const ResultsFile& file) {
  const results::Provenance& p = file.provenance;
  Table head({"file", a.file});
  head.add_row({"filetype", std::string(results::kFileType) + ", format " + std::to_string(file.format_version[0]) +
                                "." + std::to_string(file.format_version[1])});
  head.add_row({"hopelab", p.hopelab_version + ", git " + p.git_commit + (p.git_dirty ? " (dirty)" : "")});
  head.add_row({"created_utc", p.created_utc});
  head.add_row({"host", p.host});
  head.add_row({"backend", p.backend + " on " + p.device});
  head.add_row({"device versions", "compute capability " + p.compute_capability + ", driver " + p.driver_version +
                                       ", runtime " + p.runtime_version});
  head.add_row({"instruction_set", p.instruction_set});
  head.add_row({"rng", p.rng + ", seed " + std::to_string(p.seed)});
  head.add_row({"spec", p.spec_name + " (" + std::to_string(line_count(p.spec_text)) + " lines of text" +
                            (a.spec ? ", below)" : "; --spec prints it)")});
  head.add_row({"runs", std::to_string(file.records.size()) + " of " + std::to_string(p.units_total) +
                            " units, shard " + p.shard});
  head.add_row({"ranks", p.ranks == 0 ? std::string("mixed") : std::to_string(p.ranks)});
  head.print(std::cout);
  if (!file.records.empty()) {
    std::cout << '\n';
    Table runs({"group", "unit", "attributes [unit]", "datasets (shape type unit)"});
    for (const results::RunRecord& record : file.records) {
      std::string attributes, datasets;
      for (const Attribute& attribute : record.attributes) {
        attributes += (attributes.empty() ? "" : " ") + attribute.name + "=" + value_text(attribute.value) +
                      (attribute.unit.empty() ? "" : " [" + attribute.unit + "]");
      }
      for (const Dataset& dataset : record.datasets) {
        datasets += (datasets.empty() ? "" : ", ") + dataset.name + "(" + shape_text(dataset.shape) + " " +
                    dataset_type_name(dataset) + " " + (dataset.unit.empty() ? "-" : dataset.unit) +
                    ")";
      }
      runs.add_row({record.group, std::to_string(record.unit_index), attributes.empty() ? "-" : attributes,
                    datasets.empty() ? "-" : datasets});
    }
    runs.print(std::cout);
  }
  if (file.claims) {
    std::cout << "\nclaims (" << kClaimsGroup << "):\n";
    batch::print_claims_table(batch::claims_from_record(*file.claims), std::cout);
  }
  if (a.spec) {  // line by line, each with its control characters escaped
    std::cout << "\n";
    std::istringstream lines(p.spec_text);
    for (std::string line; std::getline(lines, line);) std::cout << escape_control(line) << '\n';
  }
}

void run_inspect(const InspectArgs& a, const CLI::App& cmd) {
  const ResultsFile file = results::read_results_file(a.file);  // checks filetype, version, contents
  for (const results::RunRecord& record : file.records) {
    kinds::check_record_datasets(record, a.file, results::legacy_form(file.format_version));
  }
  if (a.json) {
    print_json(a, file, cmd);
  } else {
    print_text(a, file);
  }
}

}  // namespace

void add_inspect_command(CLI::App& app) {
  auto a = std::make_shared<InspectArgs>();
  CLI::App* cmd = app.add_subcommand("inspect", "provenance, run groups and claims table of a hopelab results file (.h5)");
  cmd->add_option("file", a->file, "results file written by hopelab")->required();
  cmd->add_flag("--json", a->json, "print one JSON object");
  cmd->add_flag("--spec", a->spec, "also print the spec text stored in the file");
  cmd->callback([a, cmd] { run_inspect(*a, *cmd); });
}

}  // namespace hopelab::cli
