#include "kinds/text_collision.h"

#include "kinds/kind_support.h"
#include "params/frame_grid.h"
#include "theory/text_collision.h"

namespace hopelab::kinds {

namespace {

void check(const TextCollisionSettings& s, std::uint64_t) {
  params::build_method(s.method);
  const params::FrameGrid g = params::parse_frame_grid(s.grid);
  if (g.height > 4096 || g.width > 4096) throw InputError("grid: each side must be at most 4096, got " + s.grid);
}

std::vector<double> parts(const Preference& p) { return {p.total, p.by_axis[0], p.by_axis[1], p.by_axis[2]}; }

void compute(const TextCollisionSettings& s, std::uint64_t, results::RunRecord& r) {
  using namespace text_collision;
  const Method m = params::build_method(s.method);
  const params::FrameGrid g = params::parse_frame_grid(s.grid);
  const TextCollision c = hopelab::text_collision(m, s.frames, g.height, g.width);
  r.datasets.push_back(scalar_integer(kOverlapPositions, c.overlap_positions));
  r.datasets.push_back(scalar_integer(kCollidingTokens, c.colliding_tokens));
  r.datasets.push_back(scalar_integer(kCoincidentPairs, c.coincident_pairs));
  r.datasets.push_back(scalar_number(kTextStart, c.text_start));
  r.datasets.push_back(scalar_number(kVisualMaxHw, c.visual_max_hw));
  if (c.coincident_pairs > 0) {
    r.datasets.push_back(numbers(kCoincidentOffset, {c.coincident_offset.t, c.coincident_offset.h, c.coincident_offset.w}));
    r.datasets.push_back(numbers(kCoincidentPreference, parts(c.coincident_preference)));
    r.datasets.push_back(numbers(kLastTokenPreference, parts(c.last_token_preference)));
  }
}

// Each following text token against each visual token, times the pairs of D.
double work(const TextCollisionSettings& s) {
  const params::FrameGrid g = params::parse_frame_grid(s.grid);
  return static_cast<double>(s.frames) * static_cast<double>(g.height) * static_cast<double>(g.width) *
         static_cast<double>(g.height + g.width + 2) + static_cast<double>(s.method.head_dim / 2);
}

}  // namespace

const Kind& text_collision_kind() {
  using namespace text_collision;
  static const KindOf<TextCollisionSettings> kind(
      "text-collision", "text positions after a video that its visual h/w coordinates reach", {"method"},
      {kOverlapPositions, kCollidingTokens, kCoincidentPairs, kTextStart, kVisualMaxHw, kCoincidentOffset,
       kCoincidentPreference, kLastTokenPreference},
      check, compute, nullptr, work);
  return kind;
}

}  // namespace hopelab::kinds
