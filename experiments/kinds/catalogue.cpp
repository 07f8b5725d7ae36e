#include "kinds/catalogue.h"

#include <ostream>
#include <sstream>

#include "kinds/registry.h"
#include "output/cli_output.h"
#include "params/method.h"
#include "params/offsets.h"
#include "params/sampling.h"

namespace hopelab::kinds {

namespace {

std::string joined(const std::vector<std::string>& items, const char* separator) {
  std::string text;
  for (size_t k = 0; k < items.size(); ++k) text += (k ? separator : "") + items[k];
  return text;
}

// A run of rows that is exactly a params struct's schema, printed once and referred to by name.
struct SharedGroup {
  const char* name;  // "method fields"
  std::vector<params::FieldInfo> rows;
};

const std::vector<SharedGroup>& shared_groups() {
  static const std::vector<SharedGroup> groups = {
      {"method", params::schema_of<params::MethodParams>()},
      {"offsets", params::schema_of<params::OffsetParams>()},
      {"sampling", params::schema_of<params::SamplingParams>()},
  };
  return groups;
}

bool same_row(const params::FieldInfo& a, const params::FieldInfo& b) {
  return a.name == b.name && a.type == b.type && a.default_text == b.default_text && a.unit == b.unit &&
         a.range == b.range && a.description == b.description;
}

// The kind's own fields, and the shared groups it contains whole (in order of appearance).
void split_schema(const Kind& kind, std::vector<std::string>& groups, std::vector<params::FieldInfo>& own) {
  const std::vector<params::FieldInfo> rows = kind.schema();
  for (size_t i = 0; i < rows.size();) {
    bool matched = false;
    for (const SharedGroup& g : shared_groups()) {
      if (i + g.rows.size() > rows.size()) continue;
      bool all = true;
      for (size_t k = 0; k < g.rows.size() && all; ++k) all = same_row(rows[i + k], g.rows[k]);
      if (all) {
        groups.push_back(g.name);
        i += g.rows.size();
        matched = true;
        break;
      }
    }
    if (!matched) own.push_back(rows[i++]);
  }
}

// "()" for one number (rank 0), "array" otherwise (the descriptions give the dimensions).
std::string shape_text(const DatasetName& d) { return d.scalar ? "()" : "array"; }

std::string cell(std::string text) {  // a Markdown table cell: '|' escaped
  std::string out;
  for (char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

void field_table(std::ostream& out, const std::vector<params::FieldInfo>& rows) {
  out << "| field | type | default | unit | range | description |\n|---|---|---|---|---|---|\n";
  for (const params::FieldInfo& f : rows) {
    out << "| `" << f.name << "` | " << f.type << " | " << cell(f.default_text.empty() ? "–" : "`" + f.default_text + "`")
        << " | " << cell(f.unit.empty() ? "–" : f.unit) << " | " << cell(f.range) << " | " << cell(f.description)
        << " |\n";
  }
}

// The kind's computed attributes, when it has any: "| attribute | unit | description |".
void attribute_table(std::ostream& out, const Kind& kind) {
  if (kind.attributes().empty()) return;
  out << "\n| attribute | unit | description |\n|---|---|---|\n";
  for (const AttributeName& a : kind.attributes()) {
    out << "| `" << a.name << "` | " << cell(*a.unit ? a.unit : "–") << " | " << cell(a.description) << " |\n";
  }
}

}  // namespace

nlohmann::ordered_json kind_json(const Kind& kind) {
  nlohmann::ordered_json fields = nlohmann::ordered_json::array(), datasets = nlohmann::ordered_json::array();
  for (const params::FieldInfo& f : kind.schema()) {
    fields.push_back({{"name", f.name}, {"type", f.type}, {"default", f.default_text}, {"unit", f.unit},
                      {"range", f.range}, {"description", f.description}});
  }
  for (const DatasetName& d : kind.datasets()) {
    datasets.push_back({{"name", d.name}, {"unit", d.unit}, {"scalar", d.scalar}, {"description", d.description}});
  }
  nlohmann::ordered_json attributes = nlohmann::ordered_json::array();
  for (const AttributeName& a : kind.attributes()) {
    attributes.push_back(
        {{"name", a.name}, {"unit", a.unit}, {"optional", a.optional}, {"description", a.description}});
  }
  return {{"name", kind.name()}, {"summary", kind.summary()}, {"required", kind.required()},
          {"fields", fields},     {"datasets", datasets},       {"attributes", attributes}};
}

nlohmann::ordered_json catalogue_json() {
  nlohmann::ordered_json kinds = nlohmann::ordered_json::array();
  for (const Kind* k : all_kinds()) kinds.push_back(kind_json(*k));
  return {{"kinds", kinds}};
}

void print_catalogue(std::ostream& out) {
  cli::Table table({"kind", "required", "computes"});
  for (const Kind* k : all_kinds()) {
    const std::vector<std::string> required = k->required();
    table.add_row({k->name(), required.empty() ? "-" : joined(required, ", "), k->summary()});
  }
  table.print(out);
}

void print_kind(const Kind& kind, std::ostream& out) {
  const std::vector<std::string> required = kind.required();
  out << kind.name() << ": " << kind.summary() << "\nrequired: " << (required.empty() ? "-" : joined(required, ", "))
      << "\n\n";
  cli::Table fields({"field", "type", "default", "unit", "range", "description"});
  for (const params::FieldInfo& f : kind.schema()) {
    fields.add_row({f.name, f.type, f.default_text.empty() ? "-" : f.default_text, f.unit.empty() ? "-" : f.unit,
                    f.range, f.description});
  }
  fields.print(out);
  out << "\n";
  cli::Table datasets({"dataset", "shape", "unit", "description"});
  for (const DatasetName& d : kind.datasets()) datasets.add_row({d.name, shape_text(d), d.unit, d.description});
  datasets.print(out);
  if (kind.attributes().empty()) return;
  out << "\n";
  cli::Table attributes({"attribute", "unit", "description"});
  for (const AttributeName& a : kind.attributes()) {
    attributes.add_row({a.name, *a.unit ? a.unit : "-", a.description});
  }
  attributes.print(out);
}

std::string catalogue_markdown() {
  std::ostringstream out;
  out << "<!-- generated by `hopelab kinds --markdown`; edit the kinds' schemas, not this text -->\n\n";
  out << "| kind | computes | required | fields |\n|---|---|---|---|\n";
  for (const Kind* k : all_kinds()) {
    std::vector<std::string> groups;
    std::vector<params::FieldInfo> own;
    split_schema(*k, groups, own);
    std::vector<std::string> names;
    for (const std::string& g : groups) names.push_back("[" + g + "](#" + g + "-fields)");
    for (const params::FieldInfo& f : own) names.push_back("`" + f.name + "`");
    const std::vector<std::string> required = k->required();
    out << "| [`" << k->name() << "`](#kind-" << k->name() << ") | " << cell(k->summary()) << " | "
        << (required.empty() ? "–" : "`" + joined(required, "`, `") + "`") << " | " << joined(names, ", ") << " |\n";
  }
  for (const SharedGroup& g : shared_groups()) {
    out << "\n#### " << g.name << " fields\n\n";
    field_table(out, g.rows);
  }
  for (const Kind* k : all_kinds()) {
    std::vector<std::string> groups;
    std::vector<params::FieldInfo> own;
    split_schema(*k, groups, own);
    out << "\n#### kind " << k->name() << "\n\n" << k->summary() << ".";
    if (!groups.empty()) {  // "the method, offsets and sampling fields"
      const std::string last = groups.back();
      groups.pop_back();
      out << " Fields: the " << (groups.empty() ? last : joined(groups, ", ") + " and " + last) << " fields"
          << (own.empty() ? "." : ", and:");
    }
    out << "\n\n";
    if (own.empty()) {
      out << "(no fields of its own)\n";
    } else {
      field_table(out, own);
    }
    out << "\n| dataset | shape | unit | description |\n|---|---|---|---|\n";
    for (const DatasetName& d : k->datasets()) {
      out << "| `" << d.name << "` | " << shape_text(d) << " | " << cell(d.unit) << " | " << cell(d.description) << " |\n";
    }
    attribute_table(out, *k);
  }
  return out.str();
}

}  // namespace hopelab::kinds
