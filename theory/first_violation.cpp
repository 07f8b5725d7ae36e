#include "theory/first_violation.h"

#include <string>
#include <vector>

#include "theory/cosine_scan.h"
#include "theory/input_error.h"
#include "theory/text_format.h"

namespace hopelab {

Direction parse_direction(const std::string& text) {
  if (text == "text") return Direction::text;
  if (text == "frames") return Direction::frames;
  throw InputError("--along must be 'text' or 'frames', got '" + text + "'");
}

const char* direction_name(Direction direction) { return direction == Direction::text ? "text" : "frames"; }

namespace {

Offset3 offset_at(const Method& method, const ViolationQuery& q, std::int64_t m) {
  if (q.direction == Direction::text) {
    const auto d = static_cast<double>(m);
    return {d, d, d};
  }
  return frame_offset(method.design, m, q.grid_height, q.grid_width);
}

}  // namespace

FirstViolation first_violation(const Method& method, const ViolationQuery& q) {
  if (q.limit < 1) throw InputError("limit must be >= 1, got " + std::to_string(q.limit));
  const FrequencyAllocation& alloc = method.allocation;
  const int pairs = alloc.pairs();

  // Pairs taking part, their weights (sigma = 1) and angle per unit distance.
  const std::vector<double> all_weights = pair_weights(method, 1.0);
  const Offset3 unit = offset_at(method, q, 1);
  std::vector<double> weight, omega;
  FirstViolation out;
  for (int i = 0; i < pairs; ++i) {
    const auto k = static_cast<size_t>(i);
    if (q.only_axis && alloc.axis[k] != *q.only_axis) continue;
    const double theta = rope_frequency(i, method.spectrum.head_dim, method.spectrum.base);
    const double step = pair_angle(axis_component(unit, alloc.axis[k]), theta, alloc.zero[k] != 0);
    weight.push_back(all_weights[k]);
    omega.push_back(step);
    (step == 0.0 ? out.zero_weight : out.rotating_weight) += all_weights[k];
  }
  if (weight.empty()) {
    throw InputError(std::string("method ") + method.name + " has no pairs on axis " + axis_name(*q.only_axis));
  }
  const auto restricted = [&](const Preference& p) {
    return q.only_axis ? p.by_axis[static_cast<size_t>(*q.only_axis)] : p.total;
  };

  const bool linear = q.direction == Direction::text || frame_offset_is_linear(method.design);
  if (linear && out.zero_weight >= out.rotating_weight) {
    out.proven_never = true;
    out.reason = "never: pairs with zero angle weigh " + format_number(out.zero_weight) +
                 " >= rotating pairs " + format_number(out.rotating_weight) +
                 ", so D(m) >= Z - R >= 0 at every distance";
    return out;
  }

  if (linear) {  // angle of pair i at distance m is m * omega_i
    out.distance = scan_first_negative(omega, weight, 1, q.limit).first_negative;
  } else {  // truncated time-aligned ids: evaluate each distance directly
    for (std::int64_t m = 1; m <= q.limit && !out.distance; ++m) {
      if (restricted(expected_preference(method, offset_at(method, q, m), all_weights)) < 0.0) out.distance = m;
    }
  }

  if (!out.distance) {
    out.reason = "no negative preference at distances 1.." + std::to_string(q.limit) + " (not proven beyond)";
    return out;
  }
  // Report the value with one cos per pair (the definition), not the scan's recurrence.
  out.offset = offset_at(method, q, *out.distance);
  out.value = restricted(expected_preference(method, out.offset, all_weights));
  out.reason = "first distance with negative preference";
  return out;
}

}  // namespace hopelab
