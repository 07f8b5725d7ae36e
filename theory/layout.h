#pragma once
// Multimodal input layout: a sequence of segments in LLM-grid tokens (after spatial merge
// and temporal patching). Text "text:N", image "image:HxW" (one frame), video "video:TxHxW".

#include <cstdint>
#include <string>
#include <vector>

namespace hopelab {

enum class SegmentKind : std::uint8_t { text, image, video };

struct Segment {
  SegmentKind kind = SegmentKind::text;
  std::int64_t tokens = 0;  // text: token count
  std::int64_t frames = 1;  // T (image: 1)
  std::int64_t height = 1;  // H
  std::int64_t width = 1;   // W

  bool visual() const { return kind != SegmentKind::text; }
  std::int64_t token_count() const { return visual() ? frames * height * width : tokens; }
};

using Layout = std::vector<Segment>;

// "text:3,video:3x2x2,text:5". Throws InputError naming the malformed segment.
Layout parse_layout(const std::string& text);
std::int64_t token_count(const Layout& layout);
// The text parse_layout reads back: "text:3,video:3x2x2,text:5" (an image of several frames is
// written as a video, which has the same positions).
std::string layout_text(const Layout& layout);

}  // namespace hopelab
