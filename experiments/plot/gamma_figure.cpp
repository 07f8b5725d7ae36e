// gamma_preference: HoPE's dynamic temporal scaling, the expected preference D along frames for
// each temporal scale gamma of the `preference` and `mc-preference` runs that sweep it, one
// colour per gamma: closed form as lines, Monte Carlo means with +-z SE bars.

#include <algorithm>
#include <cmath>
#include <sstream>

#include "kinds/preference.h"
#include "kinds/mc_preference.h"
#include "plot/figures.h"
#include "plot/method_style.h"

namespace hopelab::plot {

std::vector<Figure> gamma_preference_figures(const results::ResultsFile& file) {
  std::vector<const results::RunRecord*> units;
  for (const RunUnits& run : units_by_run(file.records, [](const results::RunRecord& r) {
         const std::string kind = text_attribute(r, "kind");
         return (kind == "preference" || kind == "mc-preference") && text_attribute(r, "along") == "frames";
       })) {
    std::vector<double> gammas;
    for (const results::RunRecord* r : run.units) {
      const double g = number_attribute(*r, "gamma", std::nan(""));
      if (!std::isnan(g) && std::find(gammas.begin(), gammas.end(), g) == gammas.end()) gammas.push_back(g);
    }
    if (gammas.size() >= 2) units.insert(units.end(), run.units.begin(), run.units.end());
  }
  if (units.empty()) return {};
  std::vector<double> gammas;  // colours in ascending gamma
  for (const results::RunRecord* r : units) {
    const double g = number_attribute(*r, "gamma", std::nan(""));
    if (std::find(gammas.begin(), gammas.end(), g) == gammas.end()) gammas.push_back(g);
  }
  std::sort(gammas.begin(), gammas.end());

  Figure f;
  f.name = "gamma_preference";
  f.description = "Expected preference D along frames for each HoPE temporal scale gamma (preference, mc-preference)";
  std::ostringstream data;
  data << "# columns: distance [frame]  closed_form_D [sigma^2]  mc_mean [sigma^2]  mc_halfwidth [sigma^2]\n"
       << "# mc_halfwidth = z_bound * standard_error (NaN without Monte Carlo); one block per unit (gnuplot: index i)\n";
  double lo = 0, hi = 0, y_lo = 0, y_hi = 0;  // y over m > 0, zero included
  for (std::size_t i = 0; i < units.size(); ++i) {
    const results::RunRecord& r = *units[i];
    const bool mc = text_attribute(r, "kind") == kinds::mc_preference_kind().name();
    const std::vector<double> distance = dataset_numbers(r, kinds::preference::kDistance.name);
    const std::vector<double> closed = dataset_numbers(r, mc ? kinds::mc_preference::kTheory.name : kinds::preference::kValue.name);
    const std::vector<double> mean = dataset_numbers(r, kinds::mc_preference::kMean.name);
    const std::vector<double> se = dataset_numbers(r, kinds::mc_preference::kStandardError.name);
    const double z = number_attribute(r, "z_bound", 3.0);
    data << (i ? "\n\n" : "") << "# block " << i << ": " << text_attribute(r, "unit") << "\n";
    for (std::size_t k = 0; k < distance.size(); ++k) {
      const double m = distance[k];
      if (m > 0) {
        lo = lo > 0 ? std::min(lo, m) : m;
        hi = std::max(hi, m);
        for (double y : {k < closed.size() ? closed[k] : 0.0, mc && k < mean.size() && k < se.size() ? mean[k] + z * se[k] : 0.0,
                         mc && k < mean.size() && k < se.size() ? mean[k] - z * se[k] : 0.0}) {
          y_lo = std::min(y_lo, y);
          y_hi = std::max(y_hi, y);
        }
      }
      data << format_number(m) << " " << format_number(k < closed.size() ? closed[k] : std::nan("")) << " "
           << format_number(mc && k < mean.size() ? mean[k] : std::nan("")) << " "
           << format_number(mc && k < se.size() ? z * se[k] : std::nan("")) << "\n";
    }
  }
  f.data = data.str();

  // A shared y range with a margin of a tenth, ticks at 1-2-5 steps of about a third of it.
  const double span = std::max(y_hi - y_lo, 1e-12);
  y_lo -= 0.1 * span;
  y_hi += 0.1 * span;
  const double decade = std::pow(10.0, std::floor(std::log10(span / 3)));
  const double y_step = span / 3 >= 5 * decade ? 5 * decade : span / 3 >= 2 * decade ? 2 * decade : decade;

  // One panel per gamma, stacked on a shared x axis (the curves oscillate: overlaid they tangle).
  const std::size_t n = gammas.size();
  f.width = 1100;
  f.height = static_cast<int>(150 * n + 150);
  const double top = 1.0 - 55.0 / f.height, bottom = 85.0 / f.height;
  const double step = (top - bottom) / static_cast<double>(n);
  std::ostringstream g;
  const bool any_mc = std::any_of(units.begin(), units.end(), [](const results::RunRecord* r) {
    return text_attribute(*r, "kind") == kinds::mc_preference_kind().name();
  });
  const bool any_closed = std::any_of(units.begin(), units.end(), [](const results::RunRecord* r) {
    return text_attribute(*r, "kind") != kinds::mc_preference_kind().name();
  });
  std::string methods;  // display names, in order of appearance
  for (const results::RunRecord* r : units) {
    const std::string name = method_style(text_attribute(*r, "method", "?")).name;
    if (methods.find(name) == std::string::npos) methods += (methods.empty() ? "" : ", ") + name;
  }
  // The title names what the panels hold: a line for the closed form only where a unit has one.
  g << "  set multiplot title " << gnuplot_string(methods + " along frames, one panel per temporal scale γ: " +
                                                 (any_closed ? std::string("line closed form") : std::string()) +
                                                 (any_closed && any_mc ? ", " : "") +
                                                 (any_mc ? "circles Monte Carlo (±z SE)" : ""))
    << "\n"
    << "  set logscale x\n"
    << "  set xrange [" << format_number(lo / 1.25) << ":" << format_number(hi * 1.25) << "]\n"
    << "  set yrange [" << format_number(y_lo) << ":" << format_number(y_hi) << "]\n"
    << "  set ytics " << format_number(y_step) << "\n"
    << "  set lmargin at screen 0.1\n"
    << "  set rmargin at screen 0.88\n"
    << "  unset ylabel\n"
    << "  set label 2 'expected preference D [σ^2]' at screen 0.025, screen " << format_number(0.5 * (top + bottom))
    << " center rotate by 90\n"
    << "  unset key\n"
    << "  x(m) = m > 0 ? m : NaN\n";
  for (std::size_t c = 0; c < n; ++c) {
    const bool last = c + 1 == n;
    g << "  set tmargin at screen " << format_number(top - step * static_cast<double>(c)) << "\n"
      << "  set bmargin at screen " << format_number(top - step * static_cast<double>(c + 1) + 0.01) << "\n"
      << "  set label 1 " << gnuplot_string("γ = " + format_number(gammas[c])) << " at graph 1.02, graph 0.5 left\n"
      << (last ? "  set format x '10^{%L}'\n  set xlabel 'frame distance m [frames] (log scale; m = 0 not shown)'\n"
               : "  set format x ''\n  unset xlabel\n")
      << "  plot 0 with lines ls 9";
    // every panel in its units' method colour (one γ per panel tells them apart)
    for (std::size_t i = 0; i < units.size(); ++i) {
      const results::RunRecord& r = *units[i];
      if (number_attribute(r, "gamma", std::nan("")) != gammas[c]) continue;
      const std::string block = "data index " + std::to_string(i);
      const std::string ls = method_colour(text_attribute(r, "method", "?"));
      if (text_attribute(r, "kind") == kinds::mc_preference_kind().name()) {
        g << ", \\\n       " << block << " using (x($1)):3:4 with yerrorbars" << ls << " lw 1.5 pt 6 ps 1.3";
      } else {
        g << ", \\\n       " << block << " using (x($1)):2 with lines" << ls << " lw 1.5";
      }
    }
    g << "\n";
  }
  g << "  unset multiplot\n";
  f.commands = g.str();
  return {f};
}

}  // namespace hopelab::plot
