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

}  // namespace hopelab::params
