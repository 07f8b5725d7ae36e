#include "sim/vlm/vision_tower.h"

namespace hopelab {

PositionIds vision_positions(const VisualGrid& grid, int merge) {
  PositionIds ids;
  const std::int64_t per_frame = grid.h * grid.w, windows_per_row = grid.w / merge, m2 = merge * merge;
  for (std::int64_t tau = 0; tau < grid.t; ++tau) {
    for (std::int64_t r = 0; r < per_frame; ++r) {
      const std::int64_t b = r / m2, j = r % m2;  // window b, slot j within it
      ids.t.push_back(0.0);
      ids.h.push_back(static_cast<double>((b / windows_per_row) * merge + j / merge));  // hpos
      ids.w.push_back(static_cast<double>((b % windows_per_row) * merge + j % merge));  // wpos
    }
  }
  return ids;
}

std::vector<GridGroup> grid_groups(const std::vector<VisualGrid>& grids) {
  std::vector<GridGroup> groups;
  for (std::size_t g = 0; g < grids.size(); ++g) {
    if (!groups.empty() && groups.back().merged.h == grids[g].h && groups.back().merged.w == grids[g].w) {
      ++groups.back().count;
      groups.back().merged.t += grids[g].t;
    } else {
      groups.push_back({g, 1, grids[g]});
    }
  }
  return groups;
}

}  // namespace hopelab
