#include "kinds/record_form.h"

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "kinds/registry.h"
#include "params/field_text.h"
#include "theory/input_error.h"

namespace hopelab::kinds {

namespace {

using results::Attribute;
using results::AttributeValue;

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// ---- a field's value from its attribute (the inverse of settings_attributes) ------------------

bool assign(std::string& member, const AttributeValue& value) {
  const auto* text = std::get_if<std::string>(&value);
  if (text) member = *text;
  return text != nullptr;
}

bool assign(std::int64_t& member, const AttributeValue& value) {
  const auto* integer = std::get_if<std::int64_t>(&value);
  if (integer) member = *integer;
  return integer != nullptr;
}

bool assign(double& member, const AttributeValue& value) {
  if (const auto* number = std::get_if<double>(&value)) {
    member = *number;
    return true;
  }
  const auto* integer = std::get_if<std::int64_t>(&value);
  if (integer) member = static_cast<double>(*integer);
  return integer != nullptr;
}

bool assign(bool& member, const AttributeValue& value) {
  const auto* integer = std::get_if<std::int64_t>(&value);
  if (integer) member = *integer != 0;
  return integer != nullptr && (*integer == 0 || *integer == 1);
}

template <class T>
bool assign(std::optional<T>& member, const AttributeValue& value) {
  T inner{};
  if (!assign(inner, value)) return false;
  member = inner;
  return true;
}

bool assign(std::vector<double>& member, const AttributeValue& value) {
  if (const auto* numbers = std::get_if<std::vector<double>>(&value)) {
    member = *numbers;
    return true;
  }
  const auto* integers = std::get_if<std::vector<std::int64_t>>(&value);
  if (integers) member.assign(integers->begin(), integers->end());
  return integers != nullptr;
}

bool assign(std::vector<std::string>& member, const AttributeValue& value, const Field& f) {
  const auto* text = std::get_if<std::string>(&value);
  if (text) params::parse_field_text(f, *text, member);
  return text != nullptr;
}

// ---- a field's attribute (bool as 0/1, string arrays joined; absent fields none) ---------------

struct AttributeOf {
  std::vector<Attribute>& out;
  std::string unit;
  void operator()(const Field& f, const std::string& v) { out.push_back({f.name, v, unit}); }
  void operator()(const Field& f, std::int64_t v) { out.push_back({f.name, v, unit}); }
  void operator()(const Field& f, double v) { out.push_back({f.name, v, unit}); }
  void operator()(const Field& f, bool v) { out.push_back({f.name, std::int64_t{v ? 1 : 0}, unit}); }
  void operator()(const Field& f, const std::vector<double>& v) {
    if (!v.empty()) out.push_back({f.name, v, unit});
  }
  void operator()(const Field& f, const std::vector<std::string>& v) {
    if (!v.empty()) out.push_back({f.name, params::value_text(v), unit});
  }
  template <class T>
  void operator()(const Field& f, const std::optional<T>& v) {
    if (v) (*this)(f, *v);
  }
};

}  // namespace

std::string field_unit(const Settings& s, const Field& f) {
  if (std::strchr(f.unit, '|') == nullptr) return f.unit;
  std::string along;
  for_each_field(s, [&](const Field& g, const auto& member) {
    if constexpr (std::is_same_v<std::decay_t<decltype(member)>, std::string>) {
      if (std::strcmp(g.name, "along") == 0) along = member;
    }
  });
  return unit_along(f.unit, along);
}

std::vector<Attribute> settings_attributes(const Settings& s) {
  const std::vector<std::string> not_applying = s.fields_not_applying();
  std::vector<Attribute> out;
  for_each_field(s, [&](const Field& f, const auto& member) {
    if (std::strcmp(f.name, "seed") == 0 || contains(not_applying, f.name)) return;
    AttributeOf{out, field_unit(s, f)}(f, member);
  });
  return out;
}

UnitSettings settings_from_record(const results::RunRecord& record) {
  const std::string kind_name = results::string_attribute(record, "kind");
  const Kind* kind = find_kind(kind_name);
  if (kind == nullptr) throw InputError("'" + record.group + "' is of no kind this hopelab knows ('" + kind_name + "')");
  UnitSettings settings(kind->defaults());
  visit_settings(*settings, [&](const Field& f, auto& member) {
    const Attribute* a = results::find_attribute(record, f.name);
    if (a == nullptr || std::strcmp(f.name, "seed") == 0) return;
    bool read = false;
    if constexpr (std::is_same_v<std::decay_t<decltype(member)>, std::vector<std::string>>) {
      read = assign(member, a->value, f);
    } else {
      read = assign(member, a->value);
    }
    if (!read) {
      throw InputError("attribute '" + std::string(f.name) + "' of '" + record.group + "' is not of its field's type " +
                       params::FieldType<std::decay_t<decltype(member)>>::name);
    }
  });
  return settings;
}

results::RunRecord current_form(const results::RunRecord& record) {
  const Kind* kind = find_kind(results::string_attribute(record, "kind"));
  if (kind == nullptr) return record;
  const UnitSettings settings = settings_from_record(record);
  const std::vector<std::string> not_applying = settings->fields_not_applying();
  std::vector<std::pair<std::string, std::string>> units = {{"seed", kSeedUnit}, {"seconds", kSecondsUnit}};
  for_each_field(*settings, [&](const Field& f, const auto&) {
    if (std::strcmp(f.name, "seed") != 0) units.emplace_back(f.name, field_unit(*settings, f));
  });
  for (const AttributeName& computed : kind->attributes()) units.emplace_back(computed.name, computed.unit);
  results::RunRecord out = record;
  out.attributes.clear();
  for (Attribute a : record.attributes) {
    if (contains(not_applying, a.name)) continue;
    for (const auto& [name, unit] : units) {
      if (a.name == name) a.unit = unit;
    }
    out.attributes.push_back(std::move(a));
  }
  out.datasets.clear();
  for (results::Dataset d : record.datasets) {
    const auto declared = std::find_if(kind->datasets().begin(), kind->datasets().end(),
                                       [&](const DatasetName& n) { return d.name == n.name; });
    if (declared != kind->datasets().end() && declared->scalar && d.shape.size() == 1) {
      if (d.shape[0] == 0 && declared->optional) continue;  // 1.0's empty critical_length: absent now
      if (d.shape[0] == 1) d.shape.clear();
    }
    out.datasets.push_back(std::move(d));
  }
  return out;
}

}  // namespace hopelab::kinds
