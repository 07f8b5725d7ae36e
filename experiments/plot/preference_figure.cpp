// preference_<run>: HoPE Definition 3.1 / Men et al. (2024) expected preference
// D(m) = E[q R(m) k*] - E[q R(m) k] against the distance m, closed form beside Monte Carlo.

#include <algorithm>
#include <cmath>
#include <sstream>

#include "kinds/preference.h"
#include "kinds/mc_preference.h"
#include "plot/figures.h"

namespace hopelab::plot {

int curve_style(std::size_t i) {
  constexpr int kOrder[] = {1, 2, 3, 5, 6, 7, 8, 4};
  return kOrder[i % 8];
}

namespace {

struct Curve {
  std::string label;
  std::vector<double> distance, closed_form, mean, halfwidth;  // (M) each
  bool monte_carlo = false;
};

Curve curve_of(const results::RunRecord& run) {
  Curve c;
  c.label = sweep_label(run);
  c.distance = dataset_numbers(run, kinds::preference::kDistance.name);
  c.monte_carlo = text_attribute(run, "kind") == kinds::mc_preference_kind().name();
  c.closed_form = dataset_numbers(run, c.monte_carlo ? kinds::mc_preference::kTheory.name : kinds::preference::kValue.name);
  c.mean.assign(c.distance.size(), std::nan(""));
  c.halfwidth = c.mean;
  if (c.monte_carlo) {
    const double z = number_attribute(run, "z_bound", 3.0);
    const std::vector<double> mean = dataset_numbers(run, kinds::mc_preference::kMean.name);
    const std::vector<double> se = dataset_numbers(run, kinds::mc_preference::kStandardError.name);
    for (std::size_t i = 0; i < c.distance.size() && i < mean.size() && i < se.size(); ++i) {
      c.mean[i] = mean[i];
      c.halfwidth[i] = z * se[i];
    }
  }
  c.closed_form.resize(c.distance.size(), std::nan(""));
  return c;
}

// Decades (10^k) on an axis of two decades or more; on a narrower one (a log axis would label
// one tick or none) the distances themselves when few, else 1-2-5 steps.
std::string x_tics(const std::vector<Curve>& curves, double lo, double hi) {
  std::vector<double> ticks;
  for (const Curve& c : curves) {
    for (double m : c.distance) {
      if (m > 0 && std::find(ticks.begin(), ticks.end(), m) == ticks.end()) ticks.push_back(m);
    }
  }
  if (hi / lo >= 100) return "  set format x '10^{%L}'\n";
  if (ticks.size() > 10) {  // 1, 2, 5 times the powers of ten in range
    ticks.clear();
    for (double decade = std::pow(10.0, std::floor(std::log10(lo / 1.25))); decade <= hi * 1.25; decade *= 10) {
      for (double step : {1.0, 2.0, 5.0}) {
        if (step * decade >= lo / 1.25 && step * decade <= hi * 1.25) ticks.push_back(step * decade);
      }
    }
  }
  std::sort(ticks.begin(), ticks.end());
  std::string out = "  set xtics (";
  for (std::size_t i = 0; i < ticks.size(); ++i) {
    out += (i ? ", " : "") + gnuplot_string(format_number(ticks[i])) + " " + format_number(ticks[i]);
  }
  return out + ")\n";
}

Figure figure_of(const std::string& run_name, const std::vector<const results::RunRecord*>& runs) {
  std::vector<Curve> curves;
  for (const results::RunRecord* r : runs) curves.push_back(curve_of(*r));
  const std::string unit = unit_text(*runs.front(), "distance");
  const bool monte_carlo = curves.front().monte_carlo;
  const double z = number_attribute(*runs.front(), "z_bound", 3.0);

  Figure f;
  f.name = "preference_" + run_name;
  f.description = "Expected preference D vs distance, run " + run_name + " (" +
                  (monte_carlo ? "mc-preference" : "preference") + ")";
  std::ostringstream data;
  data << "# columns: distance [" << unit << "]  closed_form_D [sigma^2]  mc_mean [sigma^2]  mc_halfwidth [sigma^2]\n"
       << "# mc_halfwidth = z * standard_error" << (monte_carlo ? " with z = " + format_number(z) : "")
       << " (NaN without Monte Carlo); D in units of sigma^2 (sigma = 1)\n"
       << "# one block per unit (gnuplot: index i), separated by two blank lines\n";
  for (std::size_t i = 0; i < curves.size(); ++i) {
    const Curve& c = curves[i];
    data << (i ? "\n\n" : "") << "# block " << i << ": " << text_attribute(*runs[i], "unit") << "\n";
    for (std::size_t k = 0; k < c.distance.size(); ++k) {
      data << format_number(c.distance[k]) << " " << format_number(c.closed_form[k]) << " "
           << format_number(c.mean[k]) << " " << format_number(c.halfwidth[k]) << "\n";
    }
  }
  f.data = data.str();

  double lo = 0, hi = 0;  // positive distances only (log axis)
  for (const Curve& c : curves) {
    for (double m : c.distance) {
      if (!(m > 0)) continue;
      lo = lo > 0 ? std::min(lo, m) : m;
      hi = std::max(hi, m);
    }
  }
  std::ostringstream g;
  g << "  set title " << gnuplot_string("Expected preference vs distance (run " + run_name + "): lines closed form" +
                                       std::string(monte_carlo ? ", circles Monte Carlo" : "")) << "\n"
    << "  set xlabel " << gnuplot_string("distance m [" + unit + "]  (log scale; m = 0 not shown)") << "\n"
    << "  set ylabel 'expected preference D [σ^2]'\n"
    << "  set logscale x\n"
    << x_tics(curves, lo, hi)
    << "  set xrange [" << format_number(lo / 1.25) << ":" << format_number(hi * 1.25) << "]\n"
    << "  set offsets 0, 0, graph 0.05, graph 0.05\n"
    << "  set key outside right top vertical Left reverse samplen 3\n"
    << "  x(m) = m > 0 ? m : NaN\n"
    << "  y(m, v) = m > 0 ? v : NaN\n"
    << "  plot 0 with lines ls 9 title 'D = 0'";
  constexpr int kDash[] = {1, 2, 4, 5};
  constexpr int kPoint[] = {7, 5, 9, 13};
  for (std::size_t i = 0; i < curves.size(); ++i) {
    const int ls = curve_style(i);
    const std::string block = "data index " + std::to_string(i);
    const std::string line = " ls " + std::to_string(ls) + " dt " + std::to_string(kDash[i % 4]) +
                             " lw " + (i == 0 ? "3" : "2");
    if (curves[i].monte_carlo) {
      g << ", \\\n       " << block << " using (x($1)):(y($1, $2)) with lines" << line << " title "
        << gnuplot_string(curves[i].label);
      g << ", \\\n       " << block << " using (x($1)):(y($1, $3)):4 with yerrorbars ls " << ls
        << " lw 1.5 pt 6 ps 1.6 notitle";
    } else {
      g << ", \\\n       " << block << " using (x($1)):(y($1, $2)) with linespoints" << line << " pt "
        << kPoint[i % 4] << " ps 0.9 title " << gnuplot_string(curves[i].label);
    }
  }
  if (monte_carlo) {
    g << ", \\\n       keyentry with yerrorbars lc rgb '#000000' lw 1.5 pt 6 ps 1.6 title "
      << gnuplot_string("Monte Carlo mean ± " + format_number(std::round(z * 100) / 100) + " SE");
  }
  g << "\n";
  f.commands = g.str();
  f.width = 1300;  // the key, one line per unit, sits right of the plot
  return f;
}

}  // namespace

std::vector<Figure> preference_figures(const results::ResultsFile& file) {
  std::vector<Figure> figures;
  for (const RunUnits& run : units_by_run(file.records, [](const results::RunRecord& r) {
         const std::string kind = text_attribute(r, "kind");
         const std::vector<double> distance = dataset_numbers(r, kinds::preference::kDistance.name);
         return (kind == "preference" || kind == "mc-preference") &&
                std::any_of(distance.begin(), distance.end(), [](double m) { return m > 0; });
       })) {
    figures.push_back(figure_of(run.run, run.units));
  }
  return figures;
}

}  // namespace hopelab::plot
