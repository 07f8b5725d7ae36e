#pragma once
// kind "first-violation": the smallest distance m >= 1 at which the expected preference D < 0
// (theory/first_violation.h), or a proof that none exists (D >= Z - R >= 0 for every m).

#include "kinds/kind.h"
#include "params/method.h"
#include "params/offsets.h"

namespace hopelab::kinds {

struct FirstViolationSettings {
  params::MethodParams method;
  std::string along = "text";
  std::string only_axis;
  std::string grid = params::kDefaultFrameGrid;  // read along frames only (own_field_uses)
  std::int64_t limit = 10'000'000;
  // Not a field: the fields a spec or the command line wrote (Settings::mark_given); `grid` given
  // along text is refused whatever its value (own_field_uses).
  params::GivenFields given;
};

template <class V>
void visit_fields(FirstViolationSettings& s, V&& v) {
  using params::words;
  visit_fields(s.method, v);
  v(Field{"along", "", words("text, frames"), "text (offset m,m,m) or frames (same cell, m frames apart)"}, s.along);
  v(Field{"only_axis", "", words("t, h, w or empty"), "sum only the pairs of this axis"}, s.only_axis);
  v(Field{"grid", "token", words("\"HxW\""), "frame grid for along = frames"}, s.grid);
  v(Field{"limit", "token|frame", params::at_least(1), "largest distance scanned"}, s.limit);
}

// The rule for its own fields that do not apply (params::frame_grid_use, the offsets' rule):
// `grid` along text. Refused when given (or other than its default) there, left out of its results group.
std::vector<params::FieldUse> own_field_uses(const FirstViolationSettings& s);

namespace first_violation {
inline constexpr DatasetName kFirstViolation = scalar_dataset(
    {"first_violation", "token|frame", "smallest distance m >= 1 with D < 0; -1 when none (see proven_never)"});
inline constexpr DatasetName kProvenNever = scalar_dataset({"proven_never", "1", "1 when D >= Z - R >= 0 for every m"});
inline constexpr DatasetName kZeroWeight = scalar_dataset(
    {"zero_weight", "1", "Z: weight of pairs at angle 0 for every m"});
inline constexpr DatasetName kRotatingWeight = scalar_dataset({"rotating_weight", "1", "R: weight of the other pairs"});
inline constexpr DatasetName kOffset{"offset", "position", "position offset (t, h, w) at the violation", true};
inline constexpr DatasetName kValue = scalar_dataset({"value", "1", "D at the violation (sigma = 1)", true});
inline constexpr AttributeName kResult{"result", "", "violation, never (proven) or none up to limit"};
inline constexpr AttributeName kReason{"reason", "", "why, in words"};
}  // namespace first_violation

const Kind& first_violation_kind();

}  // namespace hopelab::kinds
