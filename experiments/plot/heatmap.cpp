#include "plot/heatmap.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace hopelab::plot {

void draw_heatmaps(const HeatmapLayout& layout, Figure* figure) {
  const std::size_t count = layout.panels.size();
  const std::size_t columns = std::min<std::size_t>(std::max<std::size_t>(count, 1), 4);
  const std::size_t rows = (count + columns - 1) / columns;
  // A panel wide enough for its cells' labels (about 60 px a cell) and never narrower than 360.
  const int panel = std::max(360, static_cast<int>(60 * layout.x_ticks.size()) + 140);
  figure->width = std::max(780, static_cast<int>(panel * static_cast<int>(columns) + 200));
  figure->height = static_cast<int>(380 * rows + 80);
  const auto ticks = [](const std::vector<std::string>& labels) {
    std::string text = "(";
    for (std::size_t i = 0; i < labels.size(); ++i) text += (i ? ", " : "") + gnuplot_string(labels[i]) + " " + std::to_string(i);
    return text + ")";
  };
  const std::string v = "$" + std::to_string(layout.value_column);
  // The mark's label only where it clears the colour box's own labels 0, 0.2, ..., 1.
  const bool mark_fits = layout.mark >= 0 && layout.mark <= 1 &&
                         std::fabs(layout.mark - 0.2 * std::round(layout.mark / 0.2)) >= 0.05;
  std::ostringstream g;
  g << "  set multiplot layout " << rows << "," << columns << " title " << gnuplot_string(layout.title)
    << (layout.subtitle.empty() ? std::string() : ".\"\\n\"." + gnuplot_string(layout.subtitle)) << " noenhanced\n"
    << "  # viridis (colour-blind safe, sequential)\n"
    << "  set palette defined (0 '#440154', 0.25 '#3B528B', 0.5 '#21908C', 0.75 '#5DC963', 1 '#FDE725')\n"
    << "  set cbrange [0:1]\n"
    << (mark_fits ? "  set cbtics add (" + gnuplot_string(layout.mark_label) + " " +
                                                   format_number(layout.mark) + ")\n"
                  : std::string())
    << "  set xrange [-0.5:" << static_cast<double>(layout.x_ticks.size()) - 0.5 << "]\n"
    << "  set yrange [-0.5:" << static_cast<double>(layout.y_ticks.size()) - 0.5 << "]\n"
    << "  set xtics " << ticks(layout.x_ticks) << "\n"
    << "  set ytics " << ticks(layout.y_ticks) << "\n"
    << "  set xlabel " << gnuplot_string(layout.x_label) << "\n"
    << "  set ylabel " << gnuplot_string(layout.y_label) << "\n"
    << "  set grid noxtics noytics\n"
    << "  unset key\n";
  // A cell's text: the value to two decimals, under it its interval when the layout has one.
  const std::string text =
      layout.low_column > 0 && layout.high_column > 0
          ? "sprintf(\"%.2f\\n{/*0.75 [%.2f, %.2f]}\", " + v + ", $" + std::to_string(layout.low_column) + ", $" +
                std::to_string(layout.high_column) + ")"
          : "sprintf('%.2f', " + v + ")";
  for (std::size_t m = 0; m < count; ++m) {
    const bool last_in_row = (m + 1) % columns == 0 || m + 1 == count;
    g << "  set title " << gnuplot_string(layout.panels[m]) << " noenhanced\n"
      << (last_in_row ? "  set colorbox\n  set cblabel " + gnuplot_string(layout.value_label) + "\n"
                      : "  unset colorbox\n  unset cblabel\n")
      << "  plot data index " << m << " using 1:2:(0.5):(0.5):" << layout.value_column
      << " with boxxyerror fs solid 1.0 noborder fc palette, \\\n"
      << "       '' index " << m << " using 1:2:(" << v << " < 0.5 ? " << text
      << " : '') with labels font ',9' tc rgb '#ffffff', \\\n"
      << "       '' index " << m << " using 1:2:(" << v << " >= 0.5 ? " << text
      << " : '') with labels font ',9' tc rgb '#000000'\n";
  }
  g << "  unset multiplot\n";
  figure->commands = g.str();
}

}  // namespace hopelab::plot
