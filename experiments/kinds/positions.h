#pragma once
// kind "positions": the (t, h, w) position of every token of a layout under a method's position
// design (theory/position_design.h), and Qwen2-VL's rope_delta that decoding continues from.

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
inline constexpr DatasetName kRopeDelta{"rope_delta", "position",
                                        "max position + 1 - L: where decoding continues (Qwen2-VL rope_deltas)"};
}  // namespace positions

const Kind& positions_kind();

}  // namespace hopelab::kinds
