#include "field_flags.h"

#include "theory/input_error.h"

namespace hopelab::cli {

std::string FieldFlags::flag_name(const char* field) {
  std::string name = std::string("--") + field;
  for (char& c : name) c = c == '_' ? '-' : c;
  return name;
}

CLI::Option* FieldFlags::add_text(CLI::App& cmd, const std::string& flag, const std::string& help,
                                  std::function<void(const std::string&)> parse) {
  Entry& e = entries_.emplace_back();
  e.field = flag;
  e.parse = std::move(parse);
  e.option = cmd.add_option(flag, e.text, help);
  return e.option;
}

void FieldFlags::require(const std::string& field) {
  for (Entry& e : entries_) {
    if (e.field == field) e.option->required();
  }
}

bool FieldFlags::bound(const std::string& field) const {
  for (const Entry& e : entries_) {
    if (e.field == field) return true;
  }
  return false;
}

std::string FieldFlags::given_text(const Entry& e) { return e.flag ? e.option->results().back() : e.text; }

std::optional<std::string> FieldFlags::given(const std::string& field) const {
  for (const Entry& e : entries_) {
    if (e.field == field && e.option->count() > 0) return given_text(e);
  }
  return std::nullopt;
}

void FieldFlags::set(const std::string& field, const std::string& text) const {
  for (const Entry& e : entries_) {
    if (e.field == field) e.parse(text);
  }
}

void FieldFlags::apply() const {
  for (const Entry& e : entries_) {
    if (e.option->count() == 0) continue;
    e.parse(given_text(e));
  }
}

params::GivenFields FieldFlags::given_fields() const {
  params::GivenFields out;
  for (const Entry& e : entries_) {
    if (e.of_field && e.option->count() > 0) out.insert(e.field);
  }
  return out;
}

}  // namespace hopelab::cli
