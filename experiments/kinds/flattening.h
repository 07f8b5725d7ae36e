#pragma once
// kind "flattening": HoPE Proposition 3.1 under the flat (1D) design: the position distance from
// a video's first token to its neighbour along a row, down a column and in time, measured on
// the positions assign_positions gives, beside the closed form 1, W, H W.

#include "kinds/kind.h"

namespace hopelab::kinds {

struct FlatteningSettings {
  std::int64_t frames = 2;
  std::string grid = "12x12";
};

template <class V>
void visit_fields(FlatteningSettings& s, V&& v) {
  v(Field{"frames", "frame", params::at_least(2), "video frames F"}, s.frames);
  v(Field{"grid", "token", params::words("\"HxW\", H, W >= 2"), "frame grid"}, s.grid);
}

namespace flattening {
inline constexpr DatasetName kColumnDistance = scalar_dataset({"column_distance", "position", "next column, same row"});
inline constexpr DatasetName kRowDistance = scalar_dataset({"row_distance", "position", "next row, same column"});
inline constexpr DatasetName kFrameDistance = scalar_dataset({"frame_distance", "position", "next frame, same cell"});
inline constexpr DatasetName kClosedForm{"closed_form", "position", "Proposition 3.1: 1, W, H W (column, row, frame)"};
}  // namespace flattening

const Kind& flattening_kind();

}  // namespace hopelab::kinds
