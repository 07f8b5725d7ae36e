#pragma once
// Visual coordinates that collide with the text after a video (arXiv 2510.23095 §2.2.2). A
// position design gives the tokens of "text:1, video:T x H x W, text:N" their (t, h, w); the text
// after the video resumes at some position p0 and takes p0, p0 + 1, ... on every axis. Under a
// centred diagonal layout (VideoRoPE, HoPE) a frame's h and w reach t + ceil((H-1)/2) while p0 is
// the last t + 1, so visual h/w coordinates reach into the positions the following text (e.g. a
// generated answer) will take. This counts them, for any design: the designs of
// theory/position_design.h, or any later one, through assign_positions.

#include <cstdint>

#include "theory/method.h"
#include "theory/preference.h"

namespace hopelab {

struct TextCollision {
  double text_start = 0;           // p0: the first following text token's position
  double visual_max_hw = 0;        // the largest h or w coordinate of a visual token
  std::int64_t overlap_positions = 0;  // following text positions p0 + k (k >= 0) <= visual_max_hw
  std::int64_t colliding_tokens = 0;   // visual tokens whose h or w is >= p0
  // Pairs (following text token among the overlapping ones, visual token) with the same h and the
  // same w: to the h and w pairs of RoPE the two are one place, only t tells them apart.
  std::int64_t coincident_pairs = 0;
  // For the first such pair (text token at p0 + k): its offset and closed-form preference D (sigma
  // = 1, theory/preference.h), whose h and w parts are the full weight of those axes' pairs.
  Offset3 coincident_offset;
  Preference coincident_preference;
  // D of the same text token for the visual token just before the text (the last in order).
  Preference last_token_preference;
};

// Throws InputError for a grid or frame count < 1.
TextCollision text_collision(const Method& method, std::int64_t frames, std::int64_t height, std::int64_t width);

}  // namespace hopelab
