#include "params/frame_grid.h"

#include <vector>

#include "theory/input_error.h"
#include "theory/text_parse.h"

namespace hopelab::params {

FrameGrid parse_frame_grid(const std::string& text, const std::string& what) {
  const std::vector<std::string> parts = split(text, 'x');
  if (parts.size() != 2) throw InputError(what + " must be HxW, got '" + text + "'");
  const FrameGrid g{parse_nonnegative_integer(parts[0], what + " height"),
                    parse_nonnegative_integer(parts[1], what + " width")};
  if (g.height == 0 || g.width == 0) throw InputError(what + " sizes must be positive, got '" + text + "'");
  return g;
}

GridCell parse_grid_cell(const std::string& text, const std::string& what) {
  if (text == "centre" || text == "center") return {};
  const std::vector<std::string> yx = split(text, ',');
  if (yx.size() != 2) throw InputError(what + " must be 'centre' or ROW,COL, got '" + text + "'");
  return {parse_nonnegative_integer(yx[0], what + " row"), parse_nonnegative_integer(yx[1], what + " column")};
}

}  // namespace hopelab::params
