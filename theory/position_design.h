#pragma once
// Position designs: how each token of a multimodal layout gets its (t, h, w) position, as the
// reference implementations do (see docs/references.md, "Position designs").
//   flat      1D running index (vanilla RoPE, p-RoPE); a video is flattened t*H*W + y*W + x
//   qwen2vl   Qwen2-VL get_rope_index: (s + f, s + y, s + x); next text at max + 1
//   qwen25vl  Qwen2.5-VL time-aligned t = floor(f * (patch / fps) * tokens_per_second); with the
//             transformers-4.57 time convention floor(f * trunc(patch / fps) * tokens_per_second)
//   spatial_reset (qwen2vl, qwen25vl; Huang et al. 2025, 2510.23095): h = y, w = x without the
//             cursor, t as before; next text still at s + max(t - s, H - 1, W - 1) + 1
//   qwen3vl   Qwen3-VL textual timestamps: a video's frame group f is a one-frame block
//             (b_f, b_f + y, b_f + x), b_f = s + K + 1 + f (K + 2 + max(H, W)), after its K
//             timestamp tokens "<t seconds>" and <vision_start>, with <vision_end> after it; those
//             K + 2 text tokens per group are not layout tokens (their positions are skipped).
//             Text resumes at s + T (K + 2 + max(H, W)); images as qwen2vl
//   diagonal  VideoRoPE (step = delta) and HoPE (step = gamma): t = s + step*f,
//             h = t + y - floor((H-1)/2), w = t + x - floor((W-1)/2); next text at max t + 1
//   v2pe      1D; visual tokens step by a fraction, text resumes at ceil(last visual) + 1
//   tad       TAD-RoPE as in HoPE's code: +1 within a frame, +2 across frames and per text token
// 1D designs set h = w = t. Positions are doubles: HoPE's gamma and V2PE make them fractional.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "theory/layout.h"

namespace hopelab {

enum class DesignKind : std::uint8_t { flat, qwen2vl, qwen25vl, diagonal, v2pe, tad, qwen3vl };
const char* design_name(DesignKind kind);
DesignKind parse_design(const std::string& text);

// qwen25vl: how seconds per grid (temporal_patch_size / fps) enters t. product: the product
// f * (patch / fps) * tokens_per_second is truncated (transformers 5.x, hopelab's default);
// transformers_4_57: patch / fps is truncated to an integer first, as transformers 4.57.1 does
// (it casts second_per_grid_t to the integer dtype of the frame index), so fps > 2 collapses t.
enum class TimeConvention : std::uint8_t { product, transformers_4_57 };
const char* time_convention_name(TimeConvention convention);
TimeConvention parse_time_convention(const std::string& text);

// qwen3vl: the most text tokens one timestamp may take.
constexpr std::int64_t kMaxTimestampTokens = std::int64_t{1} << 20;

// HoPE's training set of temporal scales, Gamma.
constexpr double kHopeGammaSet[] = {0.5, 0.75, 1.0, 1.25, 1.5};

struct PositionDesign {
  DesignKind kind = DesignKind::flat;
  // diagonal: temporal spacing per frame (VideoRoPE delta, HoPE gamma).
  double temporal_step = 1.0;
  // diagonal, HoPE training mode: when set, video k gets gamma = Gamma[hash(seed, k) % 5]
  // instead of temporal_step.
  std::optional<std::uint64_t> training_gamma_seed;
  // qwen25vl: seconds per temporal grid = temporal_patch_size / fps.
  double fps = 1.0;
  double tokens_per_second = 25.0;
  int temporal_patch_size = 2;
  bool keep_fractional_time = false;  // false: the reference's integer truncation
  TimeConvention time_convention = TimeConvention::product;
  // qwen3vl: text tokens of one "<t seconds>" timestamp, K (6: '<', '0', '.', '5', ' seconds',
  // '>' under Qwen's tokenizer, which splits digits; a timestamp of 10 s or more has one more per
  // integer digit).
  std::int64_t timestamp_tokens = 6;
  // qwen2vl, qwen25vl: visual h, w are the block's own grid coordinates (no cursor offset).
  bool spatial_reset = false;
  // v2pe: position increment of one visual token.
  double visual_step = 1.0 / 16.0;
};

// Throws InputError naming a bad parameter (non-positive step, fps, ...).
void validate(const PositionDesign& design);

struct Position3 {  // also used as an offset between two tokens
  double t = 0, h = 0, w = 0;
};
inline Position3 operator-(Position3 a, Position3 b) { return {a.t - b.t, a.h - b.h, a.w - b.w}; }
inline bool operator==(Position3 a, Position3 b) { return a.t == b.t && a.h == b.h && a.w == b.w; }

// Positions of a whole layout: t, h, w each of length L (tokens, in layout order).
struct PositionIds {
  std::vector<double> t, h, w;  // (L)
  std::int64_t size() const { return static_cast<std::int64_t>(t.size()); }
  Position3 at(std::int64_t i) const;
};

PositionIds assign_positions(const PositionDesign& design, const Layout& layout);

// rope_deltas as the reference code of each design reports it for a prompt of L tokens:
//   qwen2vl, qwen25vl, flat, v2pe: max position over t, h, w + 1 - L
//   qwen3vl:                       the same over the listed tokens (the official value plus the
//                                  timestamp, vision_start and vision_end tokens skipped)
//   diagonal (VideoRoPE, HoPE):    max of the t row + 1 - L
//   tad (HoPE's code):             max of the temporal index (t_i - i) + 1 - L
// Decoding gives the token at cache position c (c >= L) the position c + delta on every axis,
// TAD-RoPE 2c + delta (its text step is 2).
double rope_delta(const PositionDesign& design, const PositionIds& ids);

// Position of visual token (frame f, row y, col x) of a T x H x W block whose design cursor is
// `cursor` (see position_design.cpp), and the cursor after the block. Exposed so that offsets
// between single tokens come from the same rule as whole layouts.
struct VisualBlock {
  double cursor = 0;        // position the next token would get in a run of text
  bool at_start = true;     // no token precedes the block
  std::int64_t frames = 1, height = 1, width = 1;
  double temporal_step = 1.0;  // diagonal only: this block's delta or gamma
  bool video = true;           // qwen3vl only: a video (timestamped frame groups), not an image
};
Position3 visual_position(const PositionDesign& design, const VisualBlock& block, std::int64_t f,
                          std::int64_t y, std::int64_t x);
double cursor_after(const PositionDesign& design, const VisualBlock& block);

// Offset between two visual tokens at the same spatial cell, `frames_apart` frames apart in
// one video of a height x width grid (frames 0 and frames_apart, cell (0, 0)).
Position3 frame_offset(const PositionDesign& design, std::int64_t frames_apart, std::int64_t height,
                       std::int64_t width);
// True when frame_offset(m) == m * frame_offset(1) for every m (all but truncated qwen25vl).
bool frame_offset_is_linear(const PositionDesign& design);

// Proposition 3.1: index distance, under the flat design, between a token and its neighbour one
// step along a row (next column), a column (next row) and time (next frame) in a T x H x W
// video: 1, W and H*W.
struct FlatteningDistances {
  double column = 0, row = 0, frame = 0;
};
FlatteningDistances flattening_distances(std::int64_t frames, std::int64_t height, std::int64_t width);

}  // namespace hopelab
