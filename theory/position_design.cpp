#include "theory/position_design.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "theory/input_error.h"
#include "theory/text_format.h"

namespace hopelab {

// The cursor is the position the next token gets when it is text. Text token: position =
// cursor, then cursor += text step (2 for TAD-RoPE, else 1). A visual block reads the cursor
// and sets it with cursor_after().

const char* design_name(DesignKind kind) {
  switch (kind) {
    case DesignKind::flat: return "flat";
    case DesignKind::qwen2vl: return "qwen2vl";
    case DesignKind::qwen25vl: return "qwen25vl";
    case DesignKind::diagonal: return "diagonal";
    case DesignKind::v2pe: return "v2pe";
    case DesignKind::tad: return "tad";
    case DesignKind::qwen3vl: return "qwen3vl";
  }
  return "?";
}

DesignKind parse_design(const std::string& text) {
  for (DesignKind k : {DesignKind::flat, DesignKind::qwen2vl, DesignKind::qwen25vl, DesignKind::qwen3vl,
                       DesignKind::diagonal, DesignKind::v2pe, DesignKind::tad}) {
    if (text == design_name(k)) return k;
  }
  throw InputError("design must be flat, qwen2vl, qwen25vl, qwen3vl, diagonal, v2pe or tad, got '" + text + "'");
}

const char* time_convention_name(TimeConvention convention) {
  switch (convention) {
    case TimeConvention::product: return "product";
    case TimeConvention::transformers_4_57: return "transformers-4.57";
  }
  return "?";
}

TimeConvention parse_time_convention(const std::string& text) {
  for (TimeConvention c : {TimeConvention::product, TimeConvention::transformers_4_57}) {
    if (text == time_convention_name(c)) return c;
  }
  throw InputError("time convention must be product or transformers-4.57, got '" + text + "'");
}

void validate(const PositionDesign& d) {
  auto positive = [](double v, const char* what) {
    if (!(v > 0.0) || !std::isfinite(v)) {
      throw InputError(std::string(what) + " must be a finite number > 0, got " + format_number(v));
    }
  };
  positive(d.temporal_step, d.kind == DesignKind::diagonal ? "temporal step (delta / gamma)" : "temporal step");
  positive(d.fps, "fps");
  positive(d.tokens_per_second, "tokens per second");
  positive(d.visual_step, "V2PE visual step");
  if (d.spatial_reset && d.kind != DesignKind::qwen2vl && d.kind != DesignKind::qwen25vl) {
    throw InputError(std::string("spatial reset applies to the qwen2vl and qwen25vl designs, not ") + design_name(d.kind));
  }
  if (d.timestamp_tokens < 0 || d.timestamp_tokens > kMaxTimestampTokens) {
    throw InputError("timestamp tokens must be between 0 and " + std::to_string(kMaxTimestampTokens) + ", got " +
                     std::to_string(d.timestamp_tokens));
  }
  if (d.temporal_patch_size <= 0) {
    throw InputError("temporal patch size must be positive, got " + std::to_string(d.temporal_patch_size));
  }
}

namespace {

// splitmix64: a counter-based hash, so video k's gamma depends only on (seed, k).
std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

double block_temporal_step(const PositionDesign& d, std::int64_t video_index) {
  if (!d.training_gamma_seed) return d.temporal_step;
  const std::uint64_t draw = splitmix64(*d.training_gamma_seed ^ splitmix64(static_cast<std::uint64_t>(video_index)));
  return kHopeGammaSet[draw % (sizeof kHopeGammaSet / sizeof kHopeGammaSet[0])];
}

// transformers 4.57.1 casts second_per_grid_t to the frame index's integer dtype (truncation).
double seconds_per_grid(const PositionDesign& d) {
  const double seconds = d.temporal_patch_size / d.fps;
  return d.time_convention == TimeConvention::transformers_4_57 ? std::trunc(seconds) : seconds;
}

// qwen25vl temporal index of frame f.
double time_aligned_index(const PositionDesign& d, std::int64_t f) {
  const double t = static_cast<double>(f) * seconds_per_grid(d) * d.tokens_per_second;
  return d.keep_fractional_time ? t : std::floor(t);
}

double text_step(const PositionDesign& d) { return d.kind == DesignKind::tad ? 2.0 : 1.0; }

// qwen3vl: the positions one frame group of a video spans, K timestamp tokens, <vision_start>,
// max(H, W) visual positions and <vision_end>.
double timestamped_group_span(const PositionDesign& d, const VisualBlock& b) {
  return static_cast<double>(d.timestamp_tokens + 2 + std::max(b.height, b.width));
}

}  // namespace

Position3 visual_position(const PositionDesign& d, const VisualBlock& b, std::int64_t f,
                          std::int64_t y, std::int64_t x) {
  const double s = b.cursor;
  const double cell = static_cast<double>(y * b.width + x);
  const double frame_tokens = static_cast<double>(b.height * b.width);
  switch (d.kind) {
    case DesignKind::flat: {
      const double p = s + static_cast<double>(f) * frame_tokens + cell;
      return {p, p, p};
    }
    case DesignKind::qwen2vl:
    case DesignKind::qwen25vl: {
      const double t = s + (d.kind == DesignKind::qwen2vl ? static_cast<double>(f) : time_aligned_index(d, f));
      const double spatial = d.spatial_reset ? 0.0 : s;  // spatial reset: the block's own grid
      return {t, spatial + static_cast<double>(y), spatial + static_cast<double>(x)};
    }
    case DesignKind::qwen3vl: {
      // A video's frame group f is its own one-frame block after f earlier groups and its own
      // timestamp and <vision_start>; an image is Qwen2-VL's block.
      const double start = b.video ? s + static_cast<double>(d.timestamp_tokens + 1) +
                                         static_cast<double>(f) * timestamped_group_span(d, b)
                                   : s + static_cast<double>(f);
      const double spatial = b.video ? start : s;
      return {start, spatial + static_cast<double>(y), spatial + static_cast<double>(x)};
    }
    case DesignKind::diagonal: {
      const double t = s + b.temporal_step * static_cast<double>(f);
      return {t, t + static_cast<double>(y - (b.height - 1) / 2), t + static_cast<double>(x - (b.width - 1) / 2)};
    }
    case DesignKind::v2pe: {
      // p_i = p_{i-1} + step for a visual token; the sequence's first token is at 0.
      const double index = static_cast<double>(f) * frame_tokens + cell;
      const double p = b.at_start ? index * d.visual_step : (s - 1.0) + (index + 1.0) * d.visual_step;
      return {p, p, p};
    }
    case DesignKind::tad: {
      // Sequential index + temporal index: frame f adds f (one per frame change) to the run.
      const double p = s + static_cast<double>(f) * (frame_tokens + 1.0) + cell;
      return {p, p, p};
    }
  }
  return {};
}

double cursor_after(const PositionDesign& d, const VisualBlock& b) {
  const Position3 last = visual_position(d, b, b.frames - 1, b.height - 1, b.width - 1);
  switch (d.kind) {
    case DesignKind::flat: return last.t + 1.0;
    case DesignKind::qwen2vl:
    case DesignKind::qwen25vl: {  // past the block's extent on every axis, reset or not
      const double spatial = d.spatial_reset ? b.cursor : 0.0;
      return std::max({last.t, spatial + last.h, spatial + last.w}) + 1.0;
    }
    case DesignKind::qwen3vl:  // a video: past its last group's <vision_end>
      return b.video ? b.cursor + static_cast<double>(b.frames) * timestamped_group_span(d, b)
                     : std::max({last.t, last.h, last.w}) + 1.0;
    case DesignKind::diagonal: return last.t + 1.0;  // max of the t row + 1
    case DesignKind::v2pe: return std::ceil(last.t) + 1.0;
    case DesignKind::tad: return last.t + 2.0;
  }
  return last.t + 1.0;
}

Position3 PositionIds::at(std::int64_t i) const {
  const auto k = static_cast<size_t>(i);
  return {t[k], h[k], w[k]};
}

PositionIds assign_positions(const PositionDesign& design, const Layout& layout) {
  validate(design);
  PositionIds ids;
  const auto n = static_cast<size_t>(token_count(layout));
  ids.t.reserve(n);
  ids.h.reserve(n);
  ids.w.reserve(n);
  double cursor = 0.0;
  bool at_start = true;
  std::int64_t video_index = 0;
  for (const Segment& seg : layout) {
    if (!seg.visual()) {
      for (std::int64_t i = 0; i < seg.tokens; ++i) {
        ids.t.push_back(cursor);
        ids.h.push_back(cursor);
        ids.w.push_back(cursor);
        cursor += text_step(design);
      }
    } else {
      VisualBlock block{cursor, at_start, seg.frames, seg.height, seg.width,
                        block_temporal_step(design, video_index++), seg.kind == SegmentKind::video};
      for (std::int64_t f = 0; f < seg.frames; ++f) {
        for (std::int64_t y = 0; y < seg.height; ++y) {
          for (std::int64_t x = 0; x < seg.width; ++x) {
            const Position3 p = visual_position(design, block, f, y, x);
            ids.t.push_back(p.t);
            ids.h.push_back(p.h);
            ids.w.push_back(p.w);
          }
        }
      }
      cursor = cursor_after(design, block);
    }
    at_start = false;
  }
  return ids;
}

double rope_delta(const PositionDesign& design, const PositionIds& ids) {
  double top = -std::numeric_limits<double>::infinity();
  for (std::int64_t i = 0; i < ids.size(); ++i) {
    const Position3 p = ids.at(i);
    switch (design.kind) {
      case DesignKind::diagonal: top = std::max(top, p.t); break;                         // the t row
      case DesignKind::tad: top = std::max(top, p.t - static_cast<double>(i)); break;     // temporal index
      default: top = std::max({top, p.t, p.h, p.w});
    }
  }
  if (ids.size() == 0) top = -1.0;  // no prompt: decoding starts at 0
  return top + 1.0 - static_cast<double>(ids.size());
}

Position3 frame_offset(const PositionDesign& design, std::int64_t frames_apart, std::int64_t height,
                       std::int64_t width) {
  validate(design);
  if (height <= 0 || width <= 0) {
    throw InputError("grid must be positive HxW, got " + std::to_string(height) + "x" + std::to_string(width));
  }
  const VisualBlock block{0.0, true, frames_apart + 1, height, width, design.temporal_step, true};
  return visual_position(design, block, frames_apart, 0, 0) - visual_position(design, block, 0, 0, 0);
}

bool frame_offset_is_linear(const PositionDesign& d) {
  if (d.kind != DesignKind::qwen25vl || d.keep_fractional_time) return true;
  const double per_frame = seconds_per_grid(d) * d.tokens_per_second;
  return per_frame == std::floor(per_frame);
}

FlatteningDistances flattening_distances(std::int64_t frames, std::int64_t height, std::int64_t width) {
  const PositionDesign flat;
  const VisualBlock block{0.0, true, frames, height, width, 1.0, true};
  const Position3 origin = visual_position(flat, block, 0, 0, 0);
  return {visual_position(flat, block, 0, 0, 1).t - origin.t,   // column neighbour
          visual_position(flat, block, 0, 1, 0).t - origin.t,   // row neighbour
          visual_position(flat, block, 1, 0, 0).t - origin.t};  // temporal neighbour
}

}  // namespace hopelab
