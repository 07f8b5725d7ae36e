#pragma once
// A frame grid "HxW" (LLM-grid tokens per frame) and a cell of it, as every command and spec
// field spells them.

#include <cstdint>
#include <string>

namespace hopelab::params {

struct FrameGrid {
  std::int64_t height = 12, width = 12;
};

// "HxW" with H, W >= 1. Throws InputError naming `what` (the flag or key) and the text.
FrameGrid parse_frame_grid(const std::string& text, const std::string& what = "grid");

// A cell of a frame "ROW,COL" (non-negative), or {-1, -1} for "centre" / "center" (H / 2, W / 2,
// sim/retrieval.h's convention). Throws InputError naming `what` and the text.
struct GridCell {
  std::int64_t row = -1, col = -1;
};
GridCell parse_grid_cell(const std::string& text, const std::string& what);

}  // namespace hopelab::params
