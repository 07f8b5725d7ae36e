// An option that does not apply is refused whenever a spec gives it, at any value, its default
// included (docs/usage.md "Options that do not apply"): the cases of tests/batch/options_given.toml
// (one per row of params::method_option_uses and params::offset_field_uses and per field the
// empirical law refuses; tests/cli/check_options_given.py reads the same list), each given in a
// [[run]] and in its sweep where it does not apply (refused) and where it does (the twin,
// accepted); sweeps over methods and over the option; the given mark on params built in code.

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "batch/spec.h"
#include "kinds/registry.h"
#include "params/method.h"
#include "params/offsets.h"
#include "theory/input_error.h"
#include "spec_verdict.h"

namespace hopelab::batch {
namespace {

// One case of tests/batch/options_given.toml: a field, its value, the keys of a run that does
// not read it and of one that does, and the refusal's text.
struct GivenCase {
  std::string kind;
  std::string field;
  const toml::node* value;
  bool at_default;
  const toml::table* refusing;
  const toml::table* reading;
  std::string message;
};

// A node as TOML writes it: "\"text\"", 0.75, false, [1.0, 2.0, 3.0].
std::string toml_text(const toml::node& node) {
  std::ostringstream out;
  node.visit([&](const auto& v) { out << v; });
  return out.str();
}

// A node as the schema's defaults print it (params::value_text): text bare, numbers by number_name.
std::string schema_text(const toml::node& node) {
  if (const auto* s = node.as_string()) return s->get();
  if (const auto* b = node.as_boolean()) return b->get() ? "true" : "false";
  return params::number_name(node.value<double>().value());
}

const std::vector<GivenCase>& cases() {
  static const toml::table file = toml::parse_file(HOPELAB_OPTIONS_GIVEN_CASES);
  static const std::vector<GivenCase> list = [] {
    std::vector<GivenCase> out;
    for (const toml::node& node : *file["case"].as_array()) {
      const toml::table& c = *node.as_table();
      out.push_back({c["kind"].value_or(std::string("preference")), c["field"].value<std::string>().value(),
                     c.get("value"), c["at_default"].value<bool>().value(),
                     c["refusing"].as_table(), c["reading"].as_table(), c["message"].value<std::string>().value()});
    }
    return out;
  }();
  return list;
}

std::string spec(const std::string& run, const std::string& kind = "preference") {
  return "[experiment]\nname = \"t\"\n[[run]]\nname = \"r\"\nkind = \"" + kind + "\"\n" + run + "\n";
}

// A run of the case's kind giving its field beside the keys `others`, in the run's table or
// (sweep) as the one value of its sweep.
std::string run_giving(const GivenCase& c, const toml::table& others, bool sweep) {
  std::string run;
  for (const auto& [key, value] : others) run += std::string(key.str()) + " = " + toml_text(value) + "\n";
  const std::string value = toml_text(*c.value);
  return spec(run + (sweep ? "[run.sweep]\n" + c.field + " = [" + value + "]" : c.field + " = " + value), c.kind);
}

TEST(OptionsGiven, ListCoversEveryRowOfTheRules) {
  std::set<std::string> rows, listed;
  params::MethodParams vanilla;
  vanilla.method = "vanilla";
  for (const params::FieldUse& u : params::method_option_uses(vanilla)) rows.insert(u.field);
  for (const params::FieldUse& u : params::offset_field_uses(params::OffsetParams{})) rows.insert(u.field);
  rows.insert({"sigma", "mu", "variances"});  // params::sampling_of's, beside the empirical law
  for (const GivenCase& c : cases()) listed.insert(c.field);
  EXPECT_EQ(listed, rows) << "a row of the rules without a case (or the reverse)";
  EXPECT_EQ(listed.size(), cases().size()) << "a field listed twice";
}

// Each at_default value is the field's default in the case's kind, so the cases test what they
// claim to.
TEST(OptionsGiven, CasesGiveTheDefaults) {
  for (const GivenCase& c : cases()) {
    if (!c.at_default) continue;
    const kinds::Kind* kind = kinds::find_kind(c.kind);
    ASSERT_NE(kind, nullptr) << c.kind;
    const std::vector<params::FieldInfo> schema = kind->schema();
    const auto f = std::find_if(schema.begin(), schema.end(), [&](const auto& row) { return row.name == c.field; });
    ASSERT_NE(f, schema.end()) << c.field;
    EXPECT_EQ(schema_text(*c.value), f->default_text) << c.field;
  }
}

TEST(OptionsGiven, RefusedInARunWhereTheyDoNotApplyAcceptedWhereTheyDo) {
  for (const GivenCase& c : cases()) {
    EXPECT_TRUE(refused(run_giving(c, *c.refusing, false), c.message));
    EXPECT_TRUE(accepted(run_giving(c, *c.reading, false)));
  }
}

TEST(OptionsGiven, RefusedInASweepWhereTheyDoNotApplyAcceptedWhereTheyDo) {
  for (const GivenCase& c : cases()) {
    EXPECT_TRUE(refused(run_giving(c, *c.refusing, true), c.message));
    EXPECT_TRUE(accepted(run_giving(c, *c.reading, true)));
  }
}

// A sweep over methods of which only some read an option given beside it: refused (the run must
// be split); swept over the option itself, every value is given, the default among them.
TEST(OptionsGiven, SweepsOverMethodsAndOverTheOption) {
  EXPECT_TRUE(refused(spec("keep_fraction = 0.75\n[run.sweep]\nmethod = [\"p-rope\", \"mrope\"]"),
                      "unit r/method=mrope): keep_fraction = 0.75 does not apply to method mrope"));
  EXPECT_TRUE(accepted(spec("keep_fraction = 0.75\n[run.sweep]\nmethod = [\"p-rope\"]")));
  EXPECT_TRUE(accepted(spec("[run.sweep]\nmethod = [\"p-rope\", \"mrope\"]")));
  EXPECT_TRUE(refused(spec("method = \"mrope\"\n[run.sweep]\nkeep_fraction = [0.75]"),
                      "unit r/keep_fraction=0.75): keep_fraction = 0.75 does not apply"));
  EXPECT_TRUE(accepted(spec("method = \"p-rope\"\n[run.sweep]\nkeep_fraction = [0.5, 0.75]")));
  // Over designs: fps given at its default is read by the qwen25vl unit only.
  EXPECT_TRUE(refused(spec("method = \"mrope\"\nfps = 1.0\n[run.sweep]\ndesign = [\"qwen25vl\", \"qwen2vl\"]"),
                      "unit r/design=qwen2vl): fps = 1 does not apply"));
  EXPECT_TRUE(accepted(spec("method = \"mrope\"\nfps = 1.0\n[run.sweep]\ndesign = [\"qwen25vl\"]")));
}

// The rule on params built in code: only the given mark (or a value other than the default)
// makes a field set; params without marks keep working at their defaults.
TEST(OptionsGiven, GivenMarkOnParamsBuiltInCode) {
  params::MethodParams p;
  p.method = "mrope";
  EXPECT_NO_THROW(params::check_method_options_apply(p));
  params::mark_given(p, {"keep_fraction"});
  EXPECT_THROW(params::check_method_options_apply(p), InputError);
  params::mark_given(p, {"sections", "head_dim", "base"});  // options mrope reads, and the spectrum
  EXPECT_NO_THROW(params::check_method_options_apply(p));
  params::OffsetParams o;
  o.offset3 = {1, 2, 3};
  EXPECT_NO_THROW(params::check_offsets_apply(o));
  params::mark_given(o, {"offset3", "along"});
  EXPECT_THROW(params::check_offsets_apply(o), InputError);
  // Not applying is not the same as given: fields_not_applying lists along either way.
  EXPECT_EQ(params::fields_not_applying(o), (std::vector<std::string>{"along", "offsets", "frames", "grid"}));
}

}  // namespace
}  // namespace hopelab::batch
