#include "plot/record_method.h"

#include <cmath>
#include <type_traits>

#include "params/frame_grid.h"
#include "params/method.h"
#include "theory/input_error.h"
#include "theory/position_design.h"
#include "theory/preference.h"

namespace hopelab::plot {

namespace {

bool has_attribute(const results::RunRecord& run, const std::string& name) {
  for (const results::Attribute& a : run.attributes) {
    if (a.name == name) return true;
  }
  return false;
}

// Each field of MethodParams from the attribute of its name (bool stored as 0/1; an absent
// attribute keeps the default, an absent optional stays unset).
params::MethodParams method_params(const results::RunRecord& run) {
  params::MethodParams p;
  params::visit_fields(p, [&](const params::Field& f, auto& member) {
    using T = std::decay_t<decltype(member)>;
    if (!has_attribute(run, f.name)) return;
    if constexpr (std::is_same_v<T, std::string>) {
      member = results::string_attribute(run, f.name, member);
    } else if constexpr (std::is_same_v<T, bool>) {
      member = results::number_attribute(run, f.name, 0) != 0;
    } else if constexpr (std::is_same_v<T, std::int64_t> || std::is_same_v<T, std::optional<std::int64_t>>) {
      const double v = results::number_attribute(run, f.name, std::nan(""));
      if (!(std::fabs(v) < 9e15) || v != std::floor(v)) throw InputError(std::string(f.name) + " is not an integer");
      member = static_cast<std::int64_t>(v);
    } else {
      const double v = results::number_attribute(run, f.name, std::nan(""));
      if (std::isnan(v)) throw InputError(std::string(f.name) + " is not a number");
      member = v;
    }
  });
  return p;
}

}  // namespace

std::optional<UnitTheory> unit_theory(const results::RunRecord& run, std::string* why) {
  if (has_attribute(run, "variances")) {
    *why = "per-dimension variances (unequal pair weights)";
    return std::nullopt;
  }
  if (results::string_attribute(run, "dist").rfind("empirical", 0) == 0) {
    *why = "empirical pools (unequal pair weights)";
    return std::nullopt;
  }
  try {
    UnitTheory u{params::build_method(method_params(run)), Direction::text, 12, 12, 1.0};
    u.direction = parse_direction(results::string_attribute(run, "along", "text"));
    const params::FrameGrid grid = params::parse_frame_grid(results::string_attribute(run, "grid", "12x12"));
    u.grid_height = grid.height;
    u.grid_width = grid.width;
    u.sigma = results::number_attribute(run, "sigma", 1.0);
    if (!(u.sigma > 0) || !std::isfinite(u.sigma)) throw InputError("sigma is not a positive number");
    return u;
  } catch (const InputError& e) {
    *why = std::string("its settings make no method (") + e.what() + ")";
    return std::nullopt;
  }
}

double closed_form_at(const UnitTheory& unit, std::int64_t m) {
  const auto d = static_cast<double>(m);
  const Offset3 offset = unit.direction == Direction::text
                             ? Offset3{d, d, d}
                             : frame_offset(unit.method.design, m, unit.grid_height, unit.grid_width);
  return expected_preference(unit.method, offset, unit.sigma).total;
}

}  // namespace hopelab::plot
