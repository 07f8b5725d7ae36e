#include "kinds/first_violation.h"

#include "kinds/kind_support.h"
#include "params/distances.h"
#include "params/frame_grid.h"
#include "theory/first_violation.h"

namespace hopelab::kinds {

namespace {

ViolationQuery violation_query(const FirstViolationSettings& s) {
  ViolationQuery q;
  q.direction = parse_direction(s.along);
  params::check_fields_apply(own_field_uses(s), "with along = " + s.along);
  if (!s.only_axis.empty()) q.only_axis = params::parse_axis(s.only_axis, "only_axis");
  const params::FrameGrid g = params::parse_frame_grid(s.grid);
  q.grid_height = g.height;
  q.grid_width = g.width;
  q.limit = s.limit;
  return q;
}

void check(const FirstViolationSettings& s, std::uint64_t) {
  params::build_method(s.method);
  violation_query(s);
}

void compute(const FirstViolationSettings& s, std::uint64_t, results::RunRecord& r) {
  using namespace first_violation;
  const Method m = params::build_method(s.method);
  const ViolationQuery q = violation_query(s);
  const FirstViolation v = hopelab::first_violation(m, q);
  const char* unit = q.direction == Direction::text ? "token" : "frame";
  r.attributes.push_back(attribute(kResult, v.distance ? std::string("violation") : v.proven_never ? "never (proven)"
                                                                                                 : "none up to limit"));
  r.attributes.push_back(attribute(kReason, v.reason));
  r.datasets.push_back(scalar_integer(kFirstViolation, v.distance ? *v.distance : -1, unit));
  r.datasets.push_back(scalar_integer(kProvenNever, v.proven_never ? 1 : 0));
  r.datasets.push_back(scalar_number(kZeroWeight, v.zero_weight));
  r.datasets.push_back(scalar_number(kRotatingWeight, v.rotating_weight));
  if (v.distance) {
    r.datasets.push_back(numbers(kOffset, {v.offset.t, v.offset.h, v.offset.w}));
    r.datasets.push_back(scalar_number(kValue, v.value));
  }
}

double work(const FirstViolationSettings& s) { return static_cast<double>(s.limit) * static_cast<double>(s.method.head_dim / 2); }

}  // namespace

std::vector<params::FieldUse> own_field_uses(const FirstViolationSettings& s) {
  return params::with_given({params::frame_grid_use(s.grid, s.along == "frames")}, s.given);
}

const Kind& first_violation_kind() {
  using namespace first_violation;
  static const KindOf<FirstViolationSettings> kind(
      "first-violation", "first distance with a negative expected preference, or a proof of none", {"method"},
      {kFirstViolation, kProvenNever, kZeroWeight, kRotatingWeight, kOffset, kValue}, {kResult, kReason}, check,
      compute, nullptr, work);
  return kind;
}

}  // namespace hopelab::kinds
