#pragma once
// A frame grid "HxW" (LLM-grid tokens per frame), as every command and spec field spells it.

#include <cstdint>
#include <string>

namespace hopelab::params {

struct FrameGrid {
  std::int64_t height = 12, width = 12;
};

// "HxW" with H, W >= 1. Throws InputError naming `what` (the flag or key) and the text.
FrameGrid parse_frame_grid(const std::string& text, const std::string& what = "grid");

}  // namespace hopelab::params
