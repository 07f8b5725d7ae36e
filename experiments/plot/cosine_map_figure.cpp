// cosine_map_<run>: HoPE Figure 2, cos(phi_i) = cos(Delta theta_i) of each pair of one axis
// (rows, highest frequency on top) against the axis offset Delta (columns), one panel per unit
// (method) of a `cosine-map` run, on a diverging palette fixed to [-1, 1].

#include <algorithm>
#include <cmath>
#include <sstream>

#include "kinds/cosine_map.h"
#include "plot/figures.h"
#include "plot/method_style.h"

namespace hopelab::plot {

namespace {

struct Panel {
  std::vector<std::string> label;  // lines of the panel's y label
  std::vector<double> distance;  // (M)
  std::vector<double> pair;      // (K)
  std::vector<double> zero;      // (K)
  std::vector<double> cosine;    // (K, M) row-major
};

Panel panel_of(const results::RunRecord& run) {
  Panel p;
  p.label = {unit_label(run, {"axis"})};
  p.distance = dataset_numbers(run, kinds::cosine_map::kDistance.name);
  p.pair = dataset_numbers(run, kinds::cosine_map::kPair.name);
  p.zero = dataset_numbers(run, kinds::cosine_map::kZeroFrequency.name);
  p.cosine = dataset_numbers(run, kinds::cosine_map::kCosine.name);
  p.zero.resize(p.pair.size(), 0.0);
  if (p.cosine.size() != p.pair.size() * p.distance.size()) p.cosine.assign(p.pair.size() * p.distance.size(), std::nan(""));
  if (std::any_of(p.zero.begin(), p.zero.end(), [](double z) { return z != 0; })) p.label.push_back("(zero freq.)");
  p.label.push_back(text_attribute(run, "axis", "t") + " pair i");
  return p;
}

// A gnuplot string of several lines: single-quoted parts joined by "\n".
std::string label_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) out += (i ? ".\"\\n\"." : "") + gnuplot_string(lines[i]);
  return out;
}

// Tick labels of the pair rows: every row when few, else about eight evenly spread.
std::string pair_tics(const Panel& p) {
  const std::size_t rows = p.pair.size();
  const std::size_t every = std::max<std::size_t>(1, (rows + 7) / 8);
  std::string out = "  set ytics (";
  bool first = true;
  for (std::size_t k = 0; k < rows; k += every) {
    out += (first ? "" : ", ") + gnuplot_string(format_number(p.pair[k])) + " " + std::to_string(k);
    first = false;
  }
  return out + ")\n";
}

Figure figure_of(const std::string& run_name, const std::vector<const results::RunRecord*>& runs) {
  std::vector<Panel> panels;
  for (const results::RunRecord* r : runs) panels.push_back(panel_of(*r));
  const bool log_x = text_attribute(*runs.front(), "spacing", "linear") == "log";

  Figure f;
  f.name = "cosine_map_" + run_name;
  f.description = "cos(Delta theta_i) of each mapped pair vs axis offset Delta, run " + run_name + " (cosine-map)";
  std::ostringstream data;
  data << "# columns: x [" << (log_x ? "log10 position" : "position") << "]  row [1]  distance [position]  pair [1]  "
       << "cosine [1]\n"
       << "# x = " << (log_x ? "log10(distance) (the offsets are equally spaced in log)" : "distance")
       << "; row = index of the pair among the axis's pairs (0 = highest frequency)\n"
       << "# one block per unit (gnuplot: index i), rows of constant `row` separated by a blank line\n";
  for (std::size_t i = 0; i < panels.size(); ++i) {
    const Panel& p = panels[i];
    data << (i ? "\n\n" : "") << "# block " << i << ": " << text_attribute(*runs[i], "unit") << "\n";
    for (std::size_t k = 0; k < p.pair.size(); ++k) {
      if (k) data << "\n";
      for (std::size_t j = 0; j < p.distance.size(); ++j) {
        const double x = log_x ? std::log10(p.distance[j]) : p.distance[j];
        data << format_number(x) << " " << k << " " << format_number(p.distance[j]) << " " << format_number(p.pair[k])
             << " " << format_number(p.cosine[k * p.distance.size() + j]) << "\n";
      }
    }
  }
  f.data = data.str();

  double lo = 0, hi = 0;
  for (const Panel& p : panels) {
    for (double d : p.distance) {
      const double x = log_x ? std::log10(d) : d;
      lo = std::min(lo == 0 && hi == 0 ? x : lo, x);
      hi = std::max(hi, x);
    }
  }
  // Half a column beyond the first and last offsets, as `with image` draws them.
  const double half = panels.front().distance.size() > 1 ? 0.5 * (hi - lo) / static_cast<double>(panels.front().distance.size() - 1) : 0.5;
  const std::size_t n = panels.size();
  f.width = 1100;
  f.height = static_cast<int>(175 * n + 170);
  const double top = 1.0 - 50.0 / f.height, bottom = 95.0 / f.height;
  const double step = (top - bottom) / static_cast<double>(n);
  std::ostringstream g;
  g << "  set multiplot title " << gnuplot_string("cos(Δ θ_i) of the " + text_attribute(*runs.front(), "axis", "t") +
                                                 " pairs of each unit vs axis offset Δ (run " + run_name + ")") << "\n"
    << "  # diverging: Okabe-Ito blue (-1), white (0), vermillion (+1)\n"
    << "  set palette defined (-1 '#0072B2', 0 '#F7F7F7', 1 '#D55E00')\n"
    << "  set cbrange [-1:1]\n"
    << "  set cbtics 0.5\n"
    << "  set xrange [" << format_number(lo - half) << ":" << format_number(hi + half) << "]\n"
    << "  set grid noxtics noytics\n"
    << "  unset key\n"
    << "  set lmargin at screen 0.17\n"
    << "  set rmargin at screen 0.86\n";
  // Decade ticks on a log axis (labelled on the bottom panel only), gnuplot's own on a linear one.
  std::string tics_labelled = "  set xtics autofreq\n  set format x '% h'\n";
  std::string tics_bare = "  set xtics autofreq\n  set format x ''\n";
  if (log_x) {
    tics_labelled = "  set xtics (";
    tics_bare = "  set xtics (";
    for (int e = static_cast<int>(std::ceil(lo - 1e-9)); e <= static_cast<int>(std::floor(hi + 1e-9)); ++e) {
      const bool first = e == static_cast<int>(std::ceil(lo - 1e-9));
      tics_labelled += (first ? "" : ", ") + std::string("'10^{") + std::to_string(e) + "}' " + std::to_string(e);
      tics_bare += (first ? "" : ", ") + std::string("'' ") + std::to_string(e);
    }
    tics_labelled += ")\n";
    tics_bare += ")\n";
  }
  for (std::size_t i = 0; i < n; ++i) {
    const Panel& p = panels[i];
    const bool last = i + 1 == n;
    g << "  set tmargin at screen " << format_number(top - step * static_cast<double>(i)) << "\n"
      << "  set bmargin at screen " << format_number(top - step * static_cast<double>(i + 1) + 0.012) << "\n"
      << "  set yrange [" << static_cast<double>(p.pair.size()) - 0.5 << ":-0.5]\n"
      << pair_tics(p)
      << "  set ylabel " << label_lines(p.label) << " offset " << -0.9 * static_cast<double>(p.label.size() - 1) << ", 0\n"
      << (last ? tics_labelled + "  set xlabel " +
                     gnuplot_string(std::string("axis offset Δ [positions]") + (log_x ? " (log scale)" : "")) + "\n"
               : tics_bare + "  unset xlabel\n")
      << (i == 0 ? "  set colorbox user origin screen 0.89, screen " + format_number(bottom + 0.012) +
                       " size screen 0.025, screen " + format_number(top - bottom - 0.012) +
                       "\n  set cblabel 'cos(Δ θ_i)'\n"
                 : std::string("  unset colorbox\n"))
      << "  plot data index " << i << " using 1:2:5 with image\n";
  }
  g << "  unset multiplot\n";
  f.commands = g.str();
  return f;
}

}  // namespace

std::vector<Figure> cosine_map_figures(const results::ResultsFile& file) {
  std::vector<Figure> figures;
  for (const RunUnits& run : units_by_run(file.records, [](const results::RunRecord& r) {
         return text_attribute(r, "kind") == kinds::cosine_map_kind().name() &&
                !dataset_numbers(r, kinds::cosine_map::kPair.name).empty() &&
                !dataset_numbers(r, kinds::cosine_map::kDistance.name).empty();
       })) {
    figures.push_back(figure_of(run.run, run.units));
  }
  return figures;
}

}  // namespace hopelab::plot
