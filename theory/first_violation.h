#pragma once
// First violation of the semantic preference property: the smallest integer distance m >= 1
// at which the closed-form preference D turns negative, along a direction of a method's
// position design, optionally restricted to the pairs of one axis. Returns "never" with a
// proof when zero-angle pairs outweigh rotating ones (D >= Z - R >= 0), else scans to a limit.

#include <cstdint>
#include <optional>
#include <string>

#include "theory/preference.h"

namespace hopelab {

enum class Direction : std::uint8_t {
  text,    // offset (m, m, m): two text tokens m apart, or 1D RoPE
  frames,  // two visual tokens at the same spatial cell m frames apart (frame_offset)
};
Direction parse_direction(const std::string& text);  // "text" | "frames"
const char* direction_name(Direction direction);

struct ViolationQuery {
  Direction direction = Direction::text;
  std::optional<Axis> only_axis;       // sum only this axis's pairs
  std::int64_t grid_height = 12;       // frame grid for --along frames (V-NIAH: 144 tokens/frame)
  std::int64_t grid_width = 12;
  std::int64_t limit = 10'000'000;     // largest distance scanned
};

struct FirstViolation {
  std::optional<std::int64_t> distance;  // m, or none
  bool proven_never = false;             // none, and D >= 0 proven for every m
  double value = 0.0;                    // D(m) at the violation (sigma = 1)
  Offset3 offset;                        // position offset at the violation
  double zero_weight = 0.0;              // Z: weight of pairs whose angle is 0 for every m
  double rotating_weight = 0.0;          // R: weight of the others
  std::string reason;
};

FirstViolation first_violation(const Method& method, const ViolationQuery& query);

}  // namespace hopelab
