#pragma once
// for_each_field and settings_as (kinds/kind.h): a generic lambda as a FieldVisitor.

#include <cstring>
#include <stdexcept>
#include <type_traits>

namespace hopelab::kinds {

template <class F>
class LambdaVisitor final : public FieldVisitor {
 public:
  explicit LambdaVisitor(F& f) : f_(f) {}
  void field(const Field& f, std::string& v) override { f_(f, v); }
  void field(const Field& f, std::int64_t& v) override { f_(f, v); }
  void field(const Field& f, double& v) override { f_(f, v); }
  void field(const Field& f, bool& v) override { f_(f, v); }
  void field(const Field& f, std::optional<double>& v) override { f_(f, v); }
  void field(const Field& f, std::optional<std::int64_t>& v) override { f_(f, v); }
  void field(const Field& f, std::vector<double>& v) override { f_(f, v); }
  void field(const Field& f, std::vector<std::string>& v) override { f_(f, v); }

 private:
  F& f_;
};

// Visits a mutable settings object.
template <class F>
void visit_settings(Settings& s, F&& f) {
  LambdaVisitor<F> v(f);
  s.visit(v);
}

template <class F>
void for_each_field(const Settings& s, F&& f) {
  const std::unique_ptr<Settings> copy = s.clone();
  visit_settings(*copy, f);
}

template <class P>
P settings_as(const Settings& s) {
  const std::unique_ptr<Settings> copy = s.clone();
  P p{};
  visit_fields(p, [&](const Field& f, auto& member) {
    using T = std::decay_t<decltype(member)>;
    bool found = false;
    visit_settings(*copy, [&](const Field& g, auto& other) {
      if constexpr (std::is_same_v<T, std::decay_t<decltype(other)>>) {
        if (!found && std::strcmp(f.name, g.name) == 0) {
          member = other;
          found = true;
        }
      }
    });
    if (!found) throw std::logic_error(std::string("settings of kind ") + s.kind().name() + " have no field " + f.name);
  });
  return p;
}

}  // namespace hopelab::kinds
