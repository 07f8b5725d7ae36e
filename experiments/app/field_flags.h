#pragma once
// Command-line flags generated from a schema (params/field.h): every field of a params struct or of
// a kind's settings becomes --kebab-case (bool fields: a flag, true without a value, or --flag=true
// / --flag=false), with the field's description and default in the help. CLI11 only collects text;
// apply() parses the flags given, with the same types as a spec's keys (params/field_text.h), into
// the bound members, and given_fields() names them, as a spec's reader names its keys, for the
// rules of options that do not apply. Ranges are checked where a spec's are: by the kind's check or
// params::build_method. A command whose flag predates the schema keeps its name (`names`), and a
// flag of a command's own syntax can parse into several fields (add_text).

#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>

#include <CLI/CLI.hpp>

#include "kinds/kind.h"
#include "params/field_text.h"

namespace hopelab::cli {

class FieldFlags {
 public:
  // Field name -> flag name, for the flags named otherwise than --kebab-case of the field.
  using FlagNames = std::map<std::string, std::string>;

  // Flags for the fields of `p` (kept by reference: it must outlive apply()), except `skip`.
  template <class P>
  void add(CLI::App& cmd, P& p, const std::set<std::string>& skip = {}) {
    visit_fields(p, [&](const params::Field& f, auto& member) { bind(cmd, f, member, skip, {}); });
  }
  void add(CLI::App& cmd, kinds::Settings& s, const std::set<std::string>& skip = {}, const FlagNames& names = {}) {
    kinds::visit_settings(s, [&](const params::Field& f, auto& member) { bind(cmd, f, member, skip, names); });
  }
  // A flag `flag` taking a value that `parse` reads (into fields of the caller's choosing), parsed
  // by apply() in the order flags were added. Returns the option (to mark it required).
  CLI::Option* add_text(CLI::App& cmd, const std::string& flag, const std::string& help,
                        std::function<void(const std::string&)> parse);
  // Marks a bound field's flag as required.
  void require(const std::string& field);
  // Whether `field` has a flag here; the text its flag was given (nullopt when not given); and
  // `text` parsed into the field as if given (for a flag such as --config that sets others).
  bool bound(const std::string& field) const;
  std::optional<std::string> given(const std::string& field) const;
  void set(const std::string& field, const std::string& text) const;
  // Parses the flags that were given into their members. Throws InputError naming the field.
  void apply() const;
  // The fields whose own flags were given, whatever their values (not those that add_text's flags
  // or set() fill): what params' rules of options that do not apply refuse where they do not apply.
  params::GivenFields given_fields() const;
  // "--head-dim" for "head_dim".
  static std::string flag_name(const char* field);

 private:
  struct Entry {
    std::string field;
    std::string text;
    bool flag = false;
    bool of_field = false;  // bound to the field `field` (else an add_text flag named `field`)
    CLI::Option* option = nullptr;
    std::function<void(const std::string&)> parse;
  };

  template <class T>
  void bind(CLI::App& cmd, const params::Field& f, T& member, const std::set<std::string>& skip,
            const FlagNames& names) {
    if (skip.count(f.name) != 0) return;
    const auto renamed = names.find(f.name);
    const std::string flag = renamed != names.end() ? renamed->second : flag_name(f.name);
    Entry& e = entries_.emplace_back();
    e.field = f.name;
    e.of_field = true;
    e.parse = [f, &member](const std::string& text) { params::parse_field_text(f, text, member); };
    std::string help = f.description;
    if (f.range.words == nullptr && f.range.text() != "any") help += " (" + f.range.text() + ")";
    const std::string shown = params::value_text(member);
    if constexpr (std::is_same_v<T, bool>) {
      e.flag = true;
      e.option = cmd.add_flag(flag);  // (add_flag(name, text) would bind to `text`)
      e.option->description(help);
    } else {
      e.option = cmd.add_option(flag, e.text, help);
      if (!shown.empty()) e.option->default_str(shown);
    }
  }

  // The text a given flag carries: its value, or a bool field's "true" (--flag) or the VALUE of
  // its last --flag=VALUE, parsed as a spec's true or false is.
  static std::string given_text(const Entry& e);

  std::deque<Entry> entries_;  // stable addresses: CLI11 writes into Entry::text
};

}  // namespace hopelab::cli
