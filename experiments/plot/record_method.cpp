#include "plot/record_method.h"

#include <cmath>

#include "kinds/record_form.h"
#include "params/frame_grid.h"
#include "params/method.h"
#include "theory/input_error.h"
#include "theory/position_design.h"
#include "theory/preference.h"

namespace hopelab::plot {

namespace {

bool has_attribute(const results::RunRecord& run, const std::string& name) {
  return results::find_attribute(run, name) != nullptr;
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
    const auto method = kinds::settings_as<params::MethodParams>(*kinds::settings_from_record(run));
    UnitTheory u{params::build_method(method), Direction::text, 12, 12, 1.0};
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
