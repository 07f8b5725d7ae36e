#pragma once
// The LLM's token positions of a prompt (docs/vlm.md, Language model step 2): the layout read off
// input_ids (text runs; a visual run of grid (t, h, w) becomes t x (h/m) x (w/m) LLM-grid tokens)
// and theory's assign_positions under the method's design. Generated tokens extend the last text
// run. The input checks here name the bad value and throw InputError.

#include <cstdint>

#include "sim/vlm/vlm_config.h"
#include "sim/vlm/vlm_input.h"
#include "sim/vlm/vlm_rotary.h"
#include "theory/layout.h"
#include "theory/method.h"

namespace hopelab {

// The layout of input_ids. Each run of image (video) tokens is cut into blocks of
// t (h/m)(w/m) tokens, grids taken in order; an image grid gives an image segment of t frames.
// Throws InputError for: a token id outside [0, vocab_size) (index and value); a grid with
// t < 1, h or w < 1 or not divisible by m; a run shorter than its grid needs; more runs than
// grids or grids left unused.
Layout vlm_layout(const VlmConfig& config, const VlmInput& input);

// Throws InputError unless pixel_values (pixel_values_videos) is (sum of the grids' t h w,
// patch_dim) with finite values.
void validate_pixels(const VlmConfig& config, const VlmInput& input);

// assign_positions(method.design, layout), with `offset` added to every axis of every token.
PositionIds vlm_positions(const Method& method, const Layout& layout, double offset = 0.0);
// The same from a config, rotary choice and prompt.
PositionIds vlm_positions(const VlmConfig& config, const VlmRotary& rotary, const VlmInput& input,
                          double offset = 0.0);

// The layout after `tokens` generated tokens: the last text run grows, or a text run follows a
// final visual segment.
Layout extend_last_text(Layout layout, std::int64_t tokens);

// The position of the next generated token, token number `cached` of the sequence: *layout (the
// tokens so far) grows by one text token. A token's position depends only on the tokens before
// it, so *ahead holds positions computed over the layout grown by kDecodeAhead more tokens and
// serves the next kDecodeAhead calls; start from an empty *ahead.
constexpr std::int64_t kDecodeAhead = 256;
Position3 next_decode_position(const Method& method, double offset, std::int64_t cached, Layout* layout,
                               PositionIds* ahead);

}  // namespace hopelab
