#include "kinds/kind.h"

#include <stdexcept>

#include "params/field_text.h"

namespace hopelab::kinds {

std::vector<params::FieldInfo> Kind::schema() const {
  std::vector<params::FieldInfo> rows;
  const std::unique_ptr<Settings> s = defaults();
  visit_settings(*s, [&](const Field& f, const auto& member) { rows.push_back(params::field_info(f, member)); });
  return rows;
}

std::string unit_along(const std::string& unit, const std::string& along) {
  if (unit != "token|frame") return unit;
  return along == "frames" ? "frame" : "token";
}

std::optional<std::int64_t> seed_field(const Settings& s) {
  std::optional<std::int64_t> seed;
  for_each_field(s, [&](const Field& f, auto& member) {
    if constexpr (std::is_same_v<std::decay_t<decltype(member)>, std::optional<std::int64_t>>) {
      if (std::string(f.name) == "seed") seed = member;
    }
  });
  return seed;
}

void set_field_text(Settings& s, const std::string& name, const std::string& text) {
  bool found = false;
  visit_settings(s, [&](const Field& f, auto& member) {
    if (name != f.name) return;
    params::parse_field_text(f, text, member);
    found = true;
  });
  if (!found) throw std::logic_error("settings of kind " + std::string(s.kind().name()) + " have no field " + name);
}

}  // namespace hopelab::kinds
