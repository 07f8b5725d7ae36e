#include "params/offsets.h"

#include <cmath>

#include "params/distances.h"
#include "params/frame_grid.h"
#include "theory/input_error.h"
#include "theory/position_design.h"

namespace hopelab::params {

namespace {

constexpr std::int64_t kMaxPoints = 10'000'000;

void check_offset3(const OffsetParams& p) {
  if (p.offset3.size() != 3) {
    std::string given;
    for (size_t k = 0; k < p.offset3.size(); ++k) given += (k ? "," : "") + number_name(p.offset3[k]);
    throw InputError("offset3 must be three numbers t,h,w, got " + given);
  }
}

}  // namespace

std::vector<FieldUse> offset_field_uses(const OffsetParams& p) {
  const OffsetParams defaults;
  const bool text = p.offset3.empty() && p.along == "text", frames = p.offset3.empty() && p.along == "frames";
  return with_given({{"along", p.along != defaults.along, p.offset3.empty(), p.along, "offsets without offset3"},
                     {"offsets", p.offsets != defaults.offsets, text, p.offsets, "along = text"},
                     {"frames", p.frames != defaults.frames, frames, p.frames, "along = frames"},
                     frame_grid_use(p.grid, frames)},
                    p.given);
}

FieldUse frame_grid_use(const std::string& grid, bool along_frames) {
  return {"grid", grid != kDefaultFrameGrid, along_frames, grid, "along = frames"};
}

void check_fields_apply(const std::vector<FieldUse>& uses, const std::string& where) {
  for (const FieldUse& row : uses) {
    if (row.set && !row.applies) {
      throw InputError(std::string(row.field) + " = '" + row.value + "' does not apply " + where +
                       " (unused there; leave it out)");
    }
  }
}

void check_offsets_apply(const OffsetParams& p) {
  check_fields_apply(offset_field_uses(p), !p.offset3.empty() ? "beside offset3" : "with along = " + p.along);
}

std::vector<std::string> fields_not_applying(const OffsetParams& p) { return not_applying(offset_field_uses(p)); }

std::int64_t offset_count(const OffsetParams& p) {
  if (!p.offset3.empty()) {
    check_offset3(p);
    return 1;
  }
  if (p.along == "text") return stepped_range_count(p.offsets, "offsets", kMaxPoints);
  if (p.along != "frames") throw InputError("along must be 'text' or 'frames', got '" + p.along + "'");
  return stepped_range_count(p.frames, "frames", kMaxPoints);
}

OffsetGrid offset_grid(const OffsetParams& p, const Method& method) {
  constexpr std::int64_t max_points = kMaxPoints;
  check_offsets_apply(p);
  OffsetGrid grid;
  if (!p.offset3.empty()) {
    check_offset3(p);
    grid.offsets.push_back({p.offset3[0], p.offset3[1], p.offset3[2]});
    grid.distance.push_back(std::nan(""));
    return grid;
  }
  if (p.along == "text") {
    grid.distance_unit = "token";
    for (std::int64_t m : parse_stepped_range(p.offsets, "offsets", max_points)) {
      const auto d = static_cast<double>(m);
      grid.offsets.push_back({d, d, d});
      grid.distance.push_back(d);
    }
    return grid;
  }
  if (p.along != "frames") throw InputError("along must be 'text' or 'frames', got '" + p.along + "'");
  grid.distance_unit = "frame";
  const FrameGrid g = parse_frame_grid(p.grid);
  for (std::int64_t m : parse_stepped_range(p.frames, "frames", max_points)) {
    grid.offsets.push_back(frame_offset(method.design, m, g.height, g.width));
    grid.distance.push_back(static_cast<double>(m));
  }
  return grid;
}

}  // namespace hopelab::params
