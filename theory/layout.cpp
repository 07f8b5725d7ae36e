#include "theory/layout.h"

#include "theory/input_error.h"
#include "theory/text_parse.h"

namespace hopelab {

namespace {

// Upper bound on the tokens of one layout, so that position arrays stay allocatable.
constexpr std::int64_t kMaxLayoutTokens = std::int64_t{1} << 31;

std::int64_t parse_size(const std::string& text, const std::string& segment) {
  const std::int64_t value = parse_nonnegative_integer(text, "size in segment '" + segment + "'");
  if (value == 0 || value > kMaxLayoutTokens) {
    throw InputError("sizes must be between 1 and 2^31 in segment '" + segment + "'");
  }
  return value;
}

}  // namespace

Layout parse_layout(const std::string& text) {
  if (trim(text).empty()) throw InputError("layout is empty");
  Layout layout;
  std::int64_t total = 0;
  for (const std::string& item : split(text, ',')) {
    const size_t colon = item.find(':');
    if (colon == std::string::npos) {
      throw InputError("layout segment '" + item + "' must be text:N, image:HxW or video:TxHxW");
    }
    const std::string kind = trim(item.substr(0, colon));
    const std::vector<std::string> dims = split(item.substr(colon + 1), 'x');
    Segment s;
    if (kind == "text" && dims.size() == 1) {
      s.kind = SegmentKind::text;
      s.tokens = parse_size(dims[0], item);
    } else if (kind == "image" && dims.size() == 2) {
      s.kind = SegmentKind::image;
      s.height = parse_size(dims[0], item);
      s.width = parse_size(dims[1], item);
    } else if (kind == "video" && dims.size() == 3) {
      s.kind = SegmentKind::video;
      s.frames = parse_size(dims[0], item);
      s.height = parse_size(dims[1], item);
      s.width = parse_size(dims[2], item);
    } else {
      throw InputError("layout segment '" + item + "' must be text:N, image:HxW or video:TxHxW");
    }
    if (s.frames > kMaxLayoutTokens / s.height / s.width ||
        (total += s.token_count()) > kMaxLayoutTokens) {
      throw InputError("layout '" + text + "' has more than 2^31 tokens");
    }
    layout.push_back(s);
  }
  return layout;
}

std::int64_t token_count(const Layout& layout) {
  std::int64_t n = 0;
  for (const Segment& s : layout) n += s.token_count();
  return n;
}

std::string layout_text(const Layout& layout) {
  std::string text;
  for (const Segment& s : layout) {
    if (!text.empty()) text += ',';
    if (s.kind == SegmentKind::text) {
      text += "text:" + std::to_string(s.tokens);
    } else if (s.kind == SegmentKind::image && s.frames == 1) {
      text += "image:" + std::to_string(s.height) + 'x' + std::to_string(s.width);
    } else {
      text += "video:" + std::to_string(s.frames) + 'x' + std::to_string(s.height) + 'x' + std::to_string(s.width);
    }
  }
  return text;
}

}  // namespace hopelab
