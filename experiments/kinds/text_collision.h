#pragma once
// kind "text-collision": how many positions of the text after a video its visual h/w coordinates
// reach (theory/text_collision.h; arXiv 2510.23095 §2.2.2), for a method's position design and a
// T x H x W video, and the closed-form preference of a colliding text token.

#include "kinds/kind.h"
#include "params/method.h"

namespace hopelab::kinds {

struct TextCollisionSettings {
  params::MethodParams method;
  std::int64_t frames = 1;
  std::string grid = "12x12";
};

template <class V>
void visit_fields(TextCollisionSettings& s, V&& v) {
  using params::words;
  visit_fields(s.method, v);
  v(Field{"frames", "frame", params::closed(1, 4096), "frames T of the video"}, s.frames);
  v(Field{"grid", "token", words("\"HxW\""), "frame grid H x W (each at most 4096)"}, s.grid);
}

namespace text_collision {
inline constexpr DatasetName kOverlapPositions = scalar_dataset(
    {"overlap_positions", "position", "following text positions p0 + k <= the largest visual h/w coordinate"});
inline constexpr DatasetName kCollidingTokens = scalar_dataset(
    {"colliding_tokens", "token", "visual tokens whose h or w is >= p0"});
inline constexpr DatasetName kCoincidentPairs = scalar_dataset(
    {"coincident_pairs", "1", "(overlapping text token, visual token) pairs with equal h and equal w"});
inline constexpr DatasetName kTextStart = scalar_dataset(
    {"text_start", "position", "p0: the first following text token's position"});
inline constexpr DatasetName kVisualMaxHw = scalar_dataset(
    {"visual_max_hw", "position", "the largest h or w coordinate of a visual token"});
inline constexpr DatasetName kCoincidentOffset{
    "coincident_offset", "position", "(dt, dh, dw) of the first coincident pair (absent when none)", true};
inline constexpr DatasetName kCoincidentPreference{
    "coincident_preference", "1", "D of that pair (sigma = 1): total, t, h, w (absent when none)", true};
inline constexpr DatasetName kLastTokenPreference{
    "last_token_preference", "1",
    "D of the same text token for the last visual token: total, t, h, w (absent when no pair coincides)", true};
}  // namespace text_collision

const Kind& text_collision_kind();

}  // namespace hopelab::kinds
