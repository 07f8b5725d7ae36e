// A unit's record in format 1.1 (kinds/record_form.h, kinds/record_check.h): the settings written
// as the attributes that apply, with their fields' units, read back as the same settings for every
// kind and method; a format-1.0 record brought to that form; single numbers of rank 0.
#include "kinds/record_form.h"

#include <algorithm>
#include <string>
#include <type_traits>
#include <vector>

#include <gtest/gtest.h>

#include "kinds/record_check.h"
#include "kinds/registry.h"
#include "theory/input_error.h"

namespace hopelab::kinds {
namespace {

using results::Attribute;
using results::Dataset;
using results::RunRecord;

// Every field as "name=value" (seed aside: a record holds the effective seed, not the field).
std::vector<std::string> field_texts(const Settings& s) {
  std::vector<std::string> out;
  for_each_field(s, [&](const Field& f, const auto& member) {
    if (std::string(f.name) != "seed") out.push_back(std::string(f.name) + "=" + params::value_text(member));
  });
  return out;
}

// The start of the record execute_unit writes for `s`: its kind, then its settings' attributes.
RunRecord record_of(const Settings& s) {
  RunRecord r;
  r.group = "/runs/u";
  r.attributes.push_back({"kind", std::string(s.kind().name())});
  for (Attribute& a : settings_attributes(s)) r.attributes.push_back(std::move(a));
  return r;
}

std::vector<std::string> attribute_names(const RunRecord& r) {
  std::vector<std::string> names;
  for (const Attribute& a : r.attributes) names.push_back(a.name);
  return names;
}

bool has(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

bool has_field(const Kind& kind, const std::string& name) {
  for (const params::FieldInfo& f : kind.schema()) {
    if (f.name == name) return true;
  }
  return false;
}

// Settings of `kind` with `fields` (name, text) set where the kind has them with that type (a
// kind's own `frames` may count frames where the offsets' is a range).
UnitSettings settings_with(const Kind& kind, const std::vector<std::pair<std::string, std::string>>& fields) {
  UnitSettings s(kind.defaults());
  for (const auto& [name, text] : fields) {
    try {
      if (has_field(kind, name)) set_field_text(*s, name, text);
    } catch (const InputError&) {
    }
  }
  return s;
}

// Method choices that each leave out different options: none read (vanilla), sections, the
// qwen25vl design's, p-rope's keep_fraction, mhrope's heads, HoPE's gamma (diagonal design).
const std::vector<std::vector<std::pair<std::string, std::string>>> kMethods = {
    {{"method", "vanilla"}},
    {{"method", "mrope"}, {"sections", "2,3,3"}, {"head_dim", "16"}},
    {{"method", "mrope"}, {"design", "qwen25vl"}, {"fps", "2"}, {"tokens_per_second", "4"}},
    {{"method", "p-rope"}, {"keep_fraction", "0.5"}},
    {{"method", "mhrope"}, {"kv_heads", "4"}, {"kv_head", "1"}},
    {{"method", "hope"}, {"gamma", "0.5"}},
    {{"method", "videorope"}, {"along", "frames"}, {"frames", "0:20:5"}, {"grid", "4x4"}},
    {{"method", "vanilla"}, {"offset3", "1,2,3"}},
};

TEST(RecordForm, EveryKindReadsBackItsSettingsFromTheAttributesThatApply) {
  int omitted = 0;
  for (const Kind* kind : all_kinds()) {
    for (const auto& fields : kMethods) {
      const UnitSettings s = settings_with(*kind, fields);
      const RunRecord record = record_of(*s);
      for_each_field(*s, [&](const Field& f, const auto&) { omitted += !has(attribute_names(record), f.name); });
      EXPECT_EQ(field_texts(*settings_from_record(record)), field_texts(*s))
          << kind->name() << " with " << fields.front().second << ": an absent attribute read back as another value";
    }
  }
  EXPECT_GT(omitted, 100) << "the settings left out no field: the round trip tested no absent attribute";
}

TEST(RecordForm, TwinAnAttributeThatAppliesCannotBeLeftOut) {
  const UnitSettings s = settings_with(*find_kind("first-violation"), kMethods[1]);
  RunRecord record = record_of(*s);
  const auto sections = std::find_if(record.attributes.begin(), record.attributes.end(),
                                     [](const Attribute& a) { return a.name == "sections"; });
  ASSERT_NE(sections, record.attributes.end());
  record.attributes.erase(sections);
  EXPECT_NE(field_texts(*settings_from_record(record)), field_texts(*s));
}

TEST(RecordForm, OnlyTheOptionsTheMethodReadsAreStored) {
  const Kind& fv = *find_kind("first-violation");
  const std::vector<std::string> vanilla = attribute_names(record_of(*settings_with(fv, kMethods[0])));
  for (const char* option : {"sections", "keep_fraction", "allocation", "fps", "tokens_per_second",
                             "keep_fractional_time", "time_convention", "timestamp_tokens", "spatial_reset",
                             "visual_step", "kv_heads", "kv_head"}) {
    EXPECT_FALSE(has(vanilla, option)) << "a vanilla unit stores " << option;
  }
  for (const char* kept : {"method", "head_dim", "base", "pair_layout", "design", "limit"}) {
    EXPECT_TRUE(has(vanilla, kept)) << "a vanilla unit lacks " << kept;
  }
  EXPECT_TRUE(has(attribute_names(record_of(*settings_with(fv, kMethods[1]))), "sections"));
  const std::vector<std::string> qwen25 = attribute_names(record_of(*settings_with(fv, kMethods[2])));
  EXPECT_TRUE(has(qwen25, "fps") && has(qwen25, "tokens_per_second") && has(qwen25, "time_convention"));
  EXPECT_FALSE(has(qwen25, "keep_fraction"));

  const Kind& pref = *find_kind("preference");
  const std::vector<std::string> text = attribute_names(record_of(*settings_with(pref, kMethods[0])));
  EXPECT_TRUE(has(text, "along") && has(text, "offsets") && !has(text, "frames") && !has(text, "grid"));
  const std::vector<std::string> one = attribute_names(record_of(*settings_with(pref, kMethods.back())));
  EXPECT_TRUE(has(one, "offset3") && !has(one, "along") && !has(one, "offsets") && !has(one, "frames"));
}

TEST(RecordForm, EveryAttributeOfAFieldWithAUnitCarriesIt) {
  for (const Kind* kind : all_kinds()) {
    for (const auto& fields : {kMethods[1], kMethods[6]}) {
      const UnitSettings s = settings_with(*kind, fields);
      const RunRecord record = record_of(*s);
      for (const params::FieldInfo& f : kind->schema()) {
        const Attribute* a = results::find_attribute(record, f.name);
        if (a == nullptr) continue;
        const std::string want = f.unit == "token|frame"
                                     ? (results::string_attribute(record, "along", "text") == "frames" ? "frame" : "token")
                                     : f.unit;
        EXPECT_EQ(a->unit, want) << kind->name() << " attribute " << f.name;
      }
    }
  }
  const UnitSettings frames = settings_with(*find_kind("first-violation"), {{"method", "mrope"}, {"along", "frames"}});
  EXPECT_EQ(results::find_attribute(record_of(*frames), "limit")->unit, "frame");
}

// A record as the format-1.0 writer made it: every field (absent ones aside), no units, single
// numbers of shape (1).
RunRecord legacy_record(const Settings& s) {
  RunRecord r;
  r.group = "/runs/u";
  r.attributes = {{"unit", std::string("u")}, {"run", std::string("u")}, {"kind", std::string(s.kind().name())},
                  {"seed", std::int64_t{7}}};
  for_each_field(s, [&](const Field& f, const auto& member) {
    using T = std::decay_t<decltype(member)>;
    if constexpr (std::is_same_v<T, std::string>) r.attributes.push_back({f.name, member});
    if constexpr (std::is_same_v<T, double> || std::is_same_v<T, std::int64_t>) r.attributes.push_back({f.name, member});
    if constexpr (std::is_same_v<T, bool>) r.attributes.push_back({f.name, std::int64_t{member ? 1 : 0}});
  });
  r.attributes.push_back({"result", std::string("violation")});
  r.attributes.push_back({"seconds", 0.25});
  r.datasets = {Dataset{"first_violation", "token", {1}, {}, {40}, {}, "", results::DatasetKind::integers},
                Dataset{"offset", "position", {3}, {40, 40, 40}, {}, {}, "", results::DatasetKind::numbers}};
  return r;
}

TEST(RecordForm, ALegacyRecordIsBroughtToThisForm) {
  const UnitSettings s = settings_with(*find_kind("first-violation"), kMethods[0]);
  const RunRecord current = current_form(legacy_record(*s));
  std::vector<Attribute> want = {{"unit", std::string("u")}, {"run", std::string("u")},
                                 {"kind", std::string("first-violation")}, {"seed", std::int64_t{7}, "1"}};
  for (Attribute& a : settings_attributes(*s)) want.push_back(std::move(a));
  want.push_back({"result", std::string("violation")});
  want.push_back({"seconds", 0.25, "s"});
  EXPECT_TRUE(current.attributes == want);
  ASSERT_EQ(current.datasets.size(), 2u);
  EXPECT_TRUE(current.datasets[0].shape.empty()) << "first_violation keeps shape (1)";
  EXPECT_EQ(current.datasets[1].shape, std::vector<std::int64_t>{3}) << "an array changed shape";

  RunRecord critical;  // 1.0 wrote an empty critical_length without a temporal frequency
  critical.group = "/runs/c";
  critical.attributes = {{"kind", std::string("critical-length")}, {"method", std::string("hope")}};
  critical.datasets = {Dataset{"critical_length", "position", {0}, {}, {}, {}, "", results::DatasetKind::numbers}};
  EXPECT_NO_THROW(check_record_datasets(critical, "", true));
  EXPECT_TRUE(current_form(critical).datasets.empty());
}

TEST(RecordCheck, SingleNumbersAreRankZeroAndArraysAreNot) {
  const UnitSettings s = settings_with(*find_kind("first-violation"), kMethods[0]);
  RunRecord r = current_form(legacy_record(*s));
  for (const char* name : {"proven_never", "zero_weight", "rotating_weight"}) {
    r.datasets.push_back(Dataset{name, "1", {}, {0}, {}, {}, "", results::DatasetKind::numbers});
  }
  EXPECT_NO_THROW(check_record_datasets(r));
  RunRecord one = r;  // the twin: (1,) single numbers from this format's writer
  for (Dataset& d : one.datasets) {
    if (d.name != "offset") d.shape = {1};
  }
  try {
    check_record_datasets(one, "f.h5");
    ADD_FAILURE() << "a (1,) first_violation passed the check";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("'first_violation' of shape (1,)"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(check_record_datasets(one, "", true)) << "format 1.0 stores single numbers (1,)";
  EXPECT_THROW(check_record_datasets(r, "", true), InputError) << "format 1.0 had no rank-0 datasets";
  RunRecord scalar_array = r;
  scalar_array.datasets[1].shape = {};
  scalar_array.datasets[1].numbers = {40};
  EXPECT_THROW(check_record_datasets(scalar_array), InputError) << "offset (an array) of shape ()";
}

}  // namespace
}  // namespace hopelab::kinds
