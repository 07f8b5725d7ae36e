// retrieval_<run>: V-NIAH-style retrieval (docs/usage.md, mc retrieval): the rate at which the
// needle is the strict top-1 key, over video length F (frames) and needle depth, one panel per
// method. Cells are categorical boxes (any grid, even 1 x K) (one per frames value and depth in the file).

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "kinds/mc_retrieval.h"
#include "plot/figures.h"
#include "plot/heatmap.h"

namespace hopelab::plot {

namespace {

struct Cell {
  double hit = std::nan("");
  double se = std::nan("");
};

Figure figure_of(const std::string& run_name, const std::vector<const results::RunRecord*>& runs) {
  std::vector<std::string> methods;
  std::vector<double> frames, depths;
  std::map<std::string, std::map<std::pair<double, double>, Cell>> cells;  // method -> (F, depth)
  for (const results::RunRecord* r : runs) {
    const std::string method = text_attribute(*r, "method", "?");
    if (std::find(methods.begin(), methods.end(), method) == methods.end()) methods.push_back(method);
    // Each row's F: the frame_count dataset of a unit over a range of counts, else its frames.
    const std::vector<double> counts = dataset_numbers(*r, kinds::mc_retrieval::kFrameCount.name);
    const double unit_frames = number_attribute(*r, "frames", std::nan(""));
    const std::vector<double> depth = dataset_numbers(*r, kinds::mc_retrieval::kDepth.name);
    const std::vector<double> hit = dataset_numbers(*r, kinds::mc_retrieval::kHitRate.name);
    const std::vector<double> se = dataset_numbers(*r, kinds::mc_retrieval::kHitStandardError.name);
    for (std::size_t k = 0; k < depth.size() && k < hit.size() && k < se.size(); ++k) {
      const double f = k < counts.size() ? counts[k] : unit_frames;
      if (std::find(frames.begin(), frames.end(), f) == frames.end()) frames.push_back(f);
      if (std::find(depths.begin(), depths.end(), depth[k]) == depths.end()) depths.push_back(depth[k]);
      cells[method][{f, depth[k]}] = Cell{hit[k], se[k]};
    }
  }
  std::sort(frames.begin(), frames.end());
  std::sort(depths.begin(), depths.end());

  Figure fig;
  fig.name = "retrieval_" + run_name;
  fig.description = "Needle retrieval hit rate over frames and depth, run " + run_name + " (mc-retrieval)";
  std::ostringstream data;
  data << "# columns: frame_index [1]  depth_index [1]  frames [frame]  depth [1]  hit_rate [1]  "
          "hit_standard_error [1]\n"
       << "# hit_rate: rate of the needle being the strict top-1 key; NaN where the file has no unit\n"
       << "# one block per method (gnuplot: index i), in the order of the panels\n";
  for (std::size_t m = 0; m < methods.size(); ++m) {
    data << (m ? "\n\n" : "") << "# block " << m << ": method " << methods[m] << "\n";
    for (std::size_t j = 0; j < depths.size(); ++j) {
      for (std::size_t i = 0; i < frames.size(); ++i) {
        const auto it = cells[methods[m]].find({frames[i], depths[j]});
        const Cell c = it == cells[methods[m]].end() ? Cell{} : it->second;
        data << i << " " << j << " " << format_number(frames[i]) << " " << format_number(depths[j]) << " "
             << format_number(c.hit) << " " << format_number(c.se) << "\n";
      }
    }
  }
  fig.data = data.str();

  HeatmapLayout layout;
  layout.title = "Needle retrieval hit rate (strict top-1), run " + run_name;
  layout.panels = methods;
  for (double f : frames) layout.x_ticks.push_back(format_number(f));
  for (double d : depths) layout.y_ticks.push_back(format_number(d));
  layout.x_label = "video length F [frames]";
  layout.y_label = "needle depth (0 to 1)";
  layout.value_label = "hit rate";
  draw_heatmaps(layout, &fig);
  return fig;
}

}  // namespace

std::vector<Figure> retrieval_figures(const results::ResultsFile& file) {
  std::vector<Figure> figures;
  for (const RunUnits& run : units_by_run(file.records, [](const results::RunRecord& r) {
         return text_attribute(r, "kind") == kinds::mc_retrieval_kind().name();
       })) {
    figures.push_back(figure_of(run.run, run.units));
  }
  return figures;
}

}  // namespace hopelab::plot
