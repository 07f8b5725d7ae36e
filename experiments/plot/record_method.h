#pragma once
// The rotary method of a results-file unit, rebuilt from its attributes (kinds/record_form.h:
// settings_from_record), so that a figure can ask the theory about the very method a unit
// computed: its first violation, D at distances the unit did not sample.

#include <cstdint>
#include <optional>
#include <string>

#include "results/run_record.h"
#include "theory/first_violation.h"
#include "theory/method.h"

namespace hopelab::plot {

// The unit's closed form D(m) along its direction, as the theory computes it: the method, the
// direction and grid, and sigma (D in units of sigma^2 = 1 scaled by sigma^2).
struct UnitTheory {
  Method method;
  Direction direction = Direction::text;
  std::int64_t grid_height = 12, grid_width = 12;
  double sigma = 1.0;
};

// nullopt, with `why` set, when the unit's closed form is not the theory's equal-weight D (per
// dimension variances, empirical pools) or its attributes do not make a method (an edited file).
std::optional<UnitTheory> unit_theory(const results::RunRecord& run, std::string* why);

// D(m) of the unit at distance m (theory/preference.h: expected_preference).
double closed_form_at(const UnitTheory& unit, std::int64_t m);

}  // namespace hopelab::plot
