#include "kinds/kind.h"

namespace hopelab::kinds {

std::vector<params::FieldInfo> Kind::schema() const {
  std::vector<params::FieldInfo> rows;
  const std::unique_ptr<Settings> s = defaults();
  visit_settings(*s, [&](const Field& f, const auto& member) { rows.push_back(params::field_info(f, member)); });
  return rows;
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

}  // namespace hopelab::kinds
