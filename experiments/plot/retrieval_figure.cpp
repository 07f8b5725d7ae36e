// retrieval_<run>: V-NIAH-style retrieval (docs/usage.md, mc retrieval): the rate at which the
// needle is the strict top-1 key, over video length F (frames) and needle depth, one panel per
// method. Cells are categorical boxes (any grid, even 1 x K) (one per frames value and depth in the file).

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "kinds/mc_retrieval.h"
#include "plot/figures.h"
#include "plot/heatmap.h"
#include "plot/method_style.h"
#include "theory/binomial.h"

namespace hopelab::plot {

namespace {

struct Cell {
  double hit = std::nan("");
  double se = std::nan("");
  double low = std::nan(""), high = std::nan("");  // Wilson 95 % interval of the hit rate
  double chance = std::nan("");                    // 1 / keys: a uniformly random top-1
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
    const std::vector<double> keys = dataset_numbers(*r, kinds::mc_retrieval::kKeys.name);
    const std::vector<double> n = dataset_numbers(*r, kinds::mc_retrieval::kN.name);
    for (std::size_t k = 0; k < depth.size() && k < hit.size() && k < se.size(); ++k) {
      const double f = k < counts.size() ? counts[k] : unit_frames;
      if (std::find(frames.begin(), frames.end(), f) == frames.end()) frames.push_back(f);
      if (std::find(depths.begin(), depths.end(), depth[k]) == depths.end()) depths.push_back(depth[k]);
      Cell c{hit[k], se[k]};
      // hits = rate * samples, an integer up to rounding; a cell without both stays without interval
      const double samples = k < n.size() ? n[k] : n.size() == 1 ? n[0] : std::nan("");
      if (samples >= 1 && samples < 9e15 && hit[k] >= 0 && hit[k] <= 1) {
        const auto trials = static_cast<std::int64_t>(std::llround(samples));
        const ProportionInterval w = wilson_interval(std::llround(hit[k] * samples), trials);
        c.low = w.low;
        c.high = w.high;
      }
      const double l = k < keys.size() ? keys[k] : keys.size() == 1 ? keys[0] : std::nan("");
      if (l >= 1) c.chance = 1.0 / l;
      cells[method][{f, depth[k]}] = c;
    }
  }
  std::sort(frames.begin(), frames.end());
  std::sort(depths.begin(), depths.end());

  Figure fig;
  fig.name = "retrieval_" + run_name;
  fig.description = "Needle retrieval hit rate over frames and depth, run " + run_name + " (mc-retrieval)";
  std::ostringstream data;
  data << "# columns: frame_index [1]  depth_index [1]  frames [frame]  depth [1]  hit_rate [1]  "
          "hit_standard_error [1]  wilson_low [1]  wilson_high [1]  chance [1]\n"
       << "# hit_rate: rate of the needle being the strict top-1 key; NaN where the file has no unit\n"
       << "# wilson_low, wilson_high: its Wilson 95 % interval (hits = hit_rate * n of n samples)\n"
       << "# chance: 1 / keys, the rate of a key drawn uniformly at random\n"
       << "# one block per method (gnuplot: index i), in the order of the panels\n";
  for (std::size_t m = 0; m < methods.size(); ++m) {
    data << (m ? "\n\n" : "") << "# block " << m << ": method " << methods[m] << "\n";
    for (std::size_t j = 0; j < depths.size(); ++j) {
      for (std::size_t i = 0; i < frames.size(); ++i) {
        const auto it = cells[methods[m]].find({frames[i], depths[j]});
        const Cell c = it == cells[methods[m]].end() ? Cell{} : it->second;
        data << i << " " << j << " " << format_number(frames[i]) << " " << format_number(depths[j]) << " "
             << format_number(c.hit) << " " << format_number(c.se) << " " << format_number(c.low) << " "
             << format_number(c.high) << " " << format_number(c.chance) << "\n";
      }
    }
  }
  fig.data = data.str();

  HeatmapLayout layout;
  layout.title = "Needle retrieval hit rate (strict top-1), run " + run_name;
  double chance_lo = std::nan(""), chance_hi = std::nan("");
  for (const auto& [method, by_cell] : cells) {
    for (const auto& [where, c] : by_cell) {
      if (std::isnan(c.chance)) continue;
      chance_lo = std::isnan(chance_lo) ? c.chance : std::min(chance_lo, c.chance);
      chance_hi = std::isnan(chance_hi) ? c.chance : std::max(chance_hi, c.chance);
    }
  }
  char chance[96] = "";
  if (!std::isnan(chance_lo)) {
    std::snprintf(chance, sizeof chance, chance_lo == chance_hi ? "%.2g" : "%.2g to %.2g", chance_lo, chance_hi);
  }
  layout.subtitle = "under each: Wilson 95 % interval; chance 1/L (L keys) = " +
                    std::string(*chance ? chance : "unknown");
  for (const std::string& m : methods) layout.panels.push_back(method_style(m).name);
  for (double f : frames) layout.x_ticks.push_back(format_number(f));
  for (double d : depths) layout.y_ticks.push_back(format_number(d));
  layout.x_label = "video length F [frames]";
  layout.y_label = "needle depth (0 to 1)";
  layout.value_label = "hit rate";
  if (chance_lo == chance_hi) {
    layout.mark = chance_lo;
    layout.mark_label = "chance";
  }
  layout.low_column = 7;
  layout.high_column = 8;
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
