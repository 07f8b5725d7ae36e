#pragma once
// Panels of categorical heat maps (the V-NIAH grids of retrieval_<run> and vlm_niah_heatmap):
// one panel per data block, each cell a box at (x index, y index) coloured by its value on
// [0, 1] with viridis (colour-blind safe, sequential) and labelled with it to two decimals,
// white on the dark half of the scale; the colour box beside the last panel of each row.
// Data rows: x index, y index, ..., value in column `value_column` (1-based).

#include <cmath>
#include <string>
#include <vector>

#include "plot/figure.h"

namespace hopelab::plot {

struct HeatmapLayout {
  std::string title;                  // the multiplot's
  std::string subtitle;               // a second line under it, or empty
  std::vector<std::string> panels;    // one title per data block
  std::vector<std::string> x_ticks;   // label of x index 0, 1, ...
  std::vector<std::string> y_ticks;
  std::string x_label, y_label, value_label;
  int value_column = 5;
  // Columns of the value's interval (1-based), 0 for none: each cell then reads "v" over
  // "[low, high]" in a smaller font.
  int low_column = 0, high_column = 0;
  // A value marked on the colour box with its own tick and label (the chance level) where the
  // label clears the box's 0, 0.2, ..., 1; NaN for none.
  double mark = std::nan("");
  std::string mark_label;
};

// Sets the figure's size (up to 4 panels a row) and its gnuplot commands.
void draw_heatmaps(const HeatmapLayout& layout, Figure* figure);

}  // namespace hopelab::plot
