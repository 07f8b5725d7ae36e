// A unit's record in format 1.2 (kinds/record_form.h, kinds/record_check.h): the settings written
// as the attributes that apply, with their fields' units, read back as the same settings for every
// kind and method; the attributes a kind computes with their declared units; records of formats
// 1.0 and 1.1 brought to that form; single numbers of rank 0.
#include "kinds/record_form.h"

#include <algorithm>
#include <string>
#include <type_traits>
#include <variant>
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

// The fields whose attribute would be a number without a unit: every field but text (string,
// string[]) and "seed" (a record holds the effective seed, with unit 1) must declare one.
std::vector<std::string> numeric_fields_without_unit(const std::vector<params::FieldInfo>& fields) {
  std::vector<std::string> out;
  for (const params::FieldInfo& f : fields) {
    if (f.type != "string" && f.type != "string[]" && f.name != "seed" && f.unit.empty()) out.push_back(f.name);
  }
  return out;
}

TEST(RecordForm, EveryNumericFieldDeclaresAUnitFlagsToo) {
  for (const Kind* kind : all_kinds()) {
    EXPECT_EQ(numeric_fields_without_unit(kind->schema()), std::vector<std::string>{}) << kind->name();
  }
  std::vector<params::FieldInfo> twin = find_kind("base-bound")->schema();  // a flag without its unit
  for (params::FieldInfo& f : twin) {
    if (f.name == "exclusive") f.unit.clear();
  }
  EXPECT_EQ(numeric_fields_without_unit(twin), std::vector<std::string>{"exclusive"});
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

TEST(RecordForm, FirstViolationsGridAppliesAlongFramesOnly) {
  const Kind& fv = *find_kind("first-violation");
  EXPECT_FALSE(has(attribute_names(record_of(*settings_with(fv, {{"method", "mrope"}}))), "grid"))
      << "a unit along text stores the grid it does not read";
  const UnitSettings frames = settings_with(fv, {{"method", "mrope"}, {"along", "frames"}, {"grid", "4x6"}});
  const RunRecord along_frames = record_of(*frames);
  const Attribute* grid = results::find_attribute(along_frames, "grid");
  ASSERT_NE(grid, nullptr) << "a unit along frames lacks its grid";
  EXPECT_EQ(results::string_attribute(along_frames, "grid"), "4x6");
  EXPECT_EQ(grid->unit, "token");
  EXPECT_NO_THROW(frames->check(1));

  const UnitSettings text = settings_with(fv, {{"method", "mrope"}, {"grid", "4x6"}});  // the twin: along text
  try {
    text->check(1);
    ADD_FAILURE() << "grid = 4x6 along text passed the check";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("grid = '4x6' does not apply with along = text"), std::string::npos)
        << e.what();
  }
}

// The names of the record's numeric attributes (integers, numbers, lists of them) without a unit.
std::vector<std::string> numbers_without_unit(const RunRecord& r) {
  std::vector<std::string> out;
  for (const Attribute& a : r.attributes) {
    if (!std::holds_alternative<std::string>(a.value) && a.unit.empty()) out.push_back(a.name);
  }
  return out;
}

// A record of `kind` as format 1.1 wrote it: bookkeeping and settings with their units, then the
// kind's own attributes `computed` without any, then seconds.
RunRecord format_1_1_record(const Settings& s, const std::vector<Attribute>& computed) {
  RunRecord r = record_of(s);
  r.attributes.insert(r.attributes.begin() + 1, Attribute{"seed", std::int64_t{3}, "1"});
  for (const Attribute& a : computed) r.attributes.push_back({a.name, a.value});
  r.attributes.push_back({"seconds", 0.5, "s"});
  return r;
}

TEST(RecordForm, TheAttributesAKindComputesGetTheirUnits) {
  const struct {
    const char* kind;
    std::vector<Attribute> computed;  // with the units they must get
  } cases[] = {
      {"mc-preference",
       {{"z_bound", 3.29, "1"},
        {"query_pool_rows", std::int64_t{64}, "1"},
        {"query_pool_checksum", std::string("fnv1a64:0123456789abcdef"), ""},
        {"key_pool_rows", std::int64_t{32}, "1"},
        {"key_pool_checksum", std::string("fnv1a64:fedcba9876543210"), ""}}},
      {"mc-win-prob", {{"query_pool_rows", std::int64_t{64}, "1"}}},
      {"mc-inversion", {{"query_pool_rows", std::int64_t{64}, "1"}}},
      {"vlm-frame-match",
       {{"tied_heads", std::vector<std::int64_t>{0, 2}, "1"}, {"query_token", std::int64_t{41}, "token"}}},
      {"first-violation", {{"result", std::string("violation"), ""}, {"reason", std::string("D(40) < 0"), ""}}},
      {"critical-length", {{"reason", std::string("none"), ""}}},
      {"positions", {{"position_design", std::string("qwen2vl"), ""}}},
      {"allocation", {{"position_design", std::string("qwen2vl"), ""}}},
  };
  for (const auto& c : cases) {
    const UnitSettings s = settings_with(*find_kind(c.kind), kMethods[0]);
    const RunRecord old = format_1_1_record(*s, c.computed);
    const RunRecord current = current_form(old);
    EXPECT_EQ(numbers_without_unit(current), std::vector<std::string>{}) << c.kind;
    for (const Attribute& want : c.computed) {
      const Attribute* got = results::find_attribute(current, want.name);
      ASSERT_NE(got, nullptr) << c.kind << " lost " << want.name;
      EXPECT_TRUE(*got == want) << c.kind << " " << want.name << ": unit '" << got->unit << "', want '" << want.unit
                                << "'";
    }
    EXPECT_TRUE(current_form(current) == current) << c.kind << ": a record in this form changed";
    // The twin: the 1.1 record itself lacks the units of its numbers (when it has any).
    const bool numeric = std::any_of(c.computed.begin(), c.computed.end(), [](const Attribute& a) {
      return !std::holds_alternative<std::string>(a.value);
    });
    EXPECT_EQ(numbers_without_unit(old).empty(), !numeric) << c.kind << ": the 1.1 record already had units";
  }
}

// Why the kind's declared attributes could not stand in a results group beside its settings: a
// name twice, a name of a field or of the runner's bookkeeping, a unit that is not fixed.
std::vector<std::string> declaration_problems(const std::vector<params::FieldInfo>& fields,
                                              const std::vector<AttributeName>& attributes) {
  std::vector<std::string> taken = {"unit_index", "attribute_units", "unit", "run", "kind", "seed", "seconds"};
  for (const params::FieldInfo& f : fields) taken.push_back(f.name);
  std::vector<std::string> out;
  for (const AttributeName& a : attributes) {
    if (has(taken, a.name)) out.push_back(std::string(a.name) + " is taken");
    if (std::string(a.unit).find('|') != std::string::npos) out.push_back(std::string(a.name) + " unit " + a.unit);
    taken.push_back(a.name);
  }
  return out;
}

TEST(RecordForm, EveryKindsComputedAttributesHaveNamesOfTheirOwnAndFixedUnits) {
  int declared = 0;
  for (const Kind* kind : all_kinds()) {
    EXPECT_EQ(declaration_problems(kind->schema(), kind->attributes()), std::vector<std::string>{}) << kind->name();
    declared += static_cast<int>(kind->attributes().size());
  }
  EXPECT_GE(declared, 20) << "fewer computed attributes declared than the kinds write (docs/usage.md)";
  const Kind& fv = *find_kind("first-violation");  // twins: a field's name, a unit that follows `along`
  EXPECT_EQ(declaration_problems(fv.schema(), {{"limit", "1", ""}}).size(), 1u);
  EXPECT_EQ(declaration_problems(fv.schema(), {{"reach", "token|frame", ""}}).size(), 1u);
  EXPECT_EQ(declaration_problems(fv.schema(), {{"reach", "1", ""}, {"reach", "1", ""}}).size(), 1u);
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
