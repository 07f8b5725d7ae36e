#include "kinds/flattening.h"

#include "kinds/kind_support.h"
#include "params/frame_grid.h"
#include "theory/layout.h"
#include "theory/position_design.h"

namespace hopelab::kinds {

namespace {

params::FrameGrid checked_grid(const FlatteningSettings& s) {
  const params::FrameGrid g = params::parse_frame_grid(s.grid);
  if (s.frames < 2 || g.height < 2 || g.width < 2) {
    throw InputError("flattening needs frames >= 2 and a grid of at least 2x2, got " + std::to_string(s.frames) +
                     " frames of " + s.grid);
  }
  // Every token's position is held (3 numbers each): at most kMaxTokens, checked without overflow.
  constexpr std::int64_t kMaxTokens = std::int64_t{1} << 24;
  if (g.height > kMaxTokens || g.width > kMaxTokens / g.height || s.frames > kMaxTokens / (g.height * g.width)) {
    throw InputError("frames x grid must be at most " + std::to_string(kMaxTokens) + " tokens, got " +
                     std::to_string(s.frames) + " frames of " + s.grid);
  }
  return g;
}

void check(const FlatteningSettings& s, std::uint64_t) { checked_grid(s); }

void compute(const FlatteningSettings& s, std::uint64_t, results::RunRecord& r) {
  using namespace flattening;
  const params::FrameGrid g = checked_grid(s);
  const Layout video = {{SegmentKind::video, 0, s.frames, g.height, g.width}};
  const PositionIds ids = assign_positions(PositionDesign{}, video);  // default design: flat
  const auto token = [&](std::int64_t f, std::int64_t y, std::int64_t x) { return (f * g.height + y) * g.width + x; };
  const auto distance = [&](std::int64_t other) { return ids.t[static_cast<size_t>(other)] - ids.t[0]; };
  const FlatteningDistances closed = flattening_distances(s.frames, g.height, g.width);
  r.datasets.push_back(scalar_number(kColumnDistance, distance(token(0, 0, 1))));
  r.datasets.push_back(scalar_number(kRowDistance, distance(token(0, 1, 0))));
  r.datasets.push_back(scalar_number(kFrameDistance, distance(token(1, 0, 0))));
  r.datasets.push_back(numbers(kClosedForm, {closed.column, closed.row, closed.frame}));
}

}  // namespace

const Kind& flattening_kind() {
  using namespace flattening;
  static const KindOf<FlatteningSettings> kind(
      "flattening", "HoPE Proposition 3.1: neighbour distances of a video under the flat design", {},
      {kColumnDistance, kRowDistance, kFrameDistance, kClosedForm}, check, compute);
  return kind;
}

}  // namespace hopelab::kinds
