#pragma once
// kind "positions": the (t, h, w) position of every token of a layout under a method's position
// design (theory/position_design.h), and the rope_delta the design's reference code reports.

#include "kinds/kind.h"
#include "params/method.h"

namespace hopelab::kinds {

struct PositionsSettings {
  params::MethodParams method;
  std::string layout;  // required
};

template <class V>
void visit_fields(PositionsSettings& s, V&& v) {
  visit_fields(s.method, v);
  v(Field{"layout", "token", params::words("segments \"text:N,image:HxW,video:FxHxW,...\""),
          "the token sequence (at most 10^7 tokens)"},
    s.layout);
}

namespace positions {
inline constexpr DatasetName kT{"t", "position", "temporal position of each token (L)"};
inline constexpr DatasetName kH{"h", "position", "height position of each token (L)"};
inline constexpr DatasetName kW{"w", "position", "width position of each token (L)"};
inline constexpr DatasetName kSegment{"segment", "1", "index of each token's segment in the layout (L)"};
inline constexpr DatasetName kRopeDelta = scalar_dataset(
    {"rope_delta", "position",
     "rope_deltas as the design's reference code reports it: max position + 1 - L (diagonal: of t; tad: of the temporal index)"});
inline constexpr AttributeName kPositionDesign{"position_design", "",
                                               "the position design applied (the method's default or `design`)"};
}  // namespace positions

const Kind& positions_kind();

}  // namespace hopelab::kinds
