// float32 against float64 rotation phases. precision_z: for each `mc-preference` unit of a file
// that has both precisions, |z| = |Monte Carlo mean - exact closed form| / SE against the
// distance (log-log), beside the Sidak bound z_bound that the unit's verdict uses.
// phase_error_<run>: the largest float32 phase error of each `phase-error` unit against the
// offset (log-log), beside 2^-24 Delta theta_max, half an ulp of the largest phase.

#include <algorithm>
#include <map>
#include <cmath>
#include <sstream>

#include "kinds/mc_preference.h"
#include "kinds/phase_error.h"
#include "plot/figures.h"
#include "plot/method_style.h"

namespace hopelab::plot {

constexpr double kFloatIntegers = 16777216.0;  // 2^24: float32 holds every integer up to here

std::vector<Figure> precision_figures(const results::ResultsFile& file) {
  std::vector<const results::RunRecord*> units;
  bool fp32 = false, fp64 = false;
  for (const results::RunRecord& r : file.records) {
    if (text_attribute(r, "kind") != "mc-preference") continue;
    const std::string precision = text_attribute(r, "precision", "fp64");
    fp32 = fp32 || precision == "fp32";
    fp64 = fp64 || precision == "fp64";
    units.push_back(&r);
  }
  if (!fp32 || !fp64) return {};
  std::sort(units.begin(), units.end(), [](const results::RunRecord* a, const results::RunRecord* b) {
    return text_attribute(*a, "precision", "fp64") > text_attribute(*b, "precision", "fp64");  // fp64 first
  });

  Figure f;
  f.name = "precision_z";
  f.description = "|z| of Monte Carlo preference against the exact closed form, float32 vs float64 phases (mc-preference)";
  std::ostringstream data;
  data << "# columns: distance [token or frame]  abs_z [1]  z_bound [1]\n"
       << "# abs_z = |mean - theory| / standard_error (the unit's z dataset); z_bound: its Sidak bound\n"
       << "# one block per unit (gnuplot: index i)\n";
  double lo = 0, hi = 0, z_lo = 0, z_hi = 0, bound = 0;
  std::string unit;
  for (std::size_t i = 0; i < units.size(); ++i) {
    const results::RunRecord& r = *units[i];
    const std::vector<double> distance = dataset_numbers(r, kinds::mc_preference::kDistance.name);
    const std::vector<double> z = dataset_numbers(r, kinds::mc_preference::kZ.name);
    const double b = number_attribute(r, "z_bound", std::nan(""));
    bound = std::max(bound, b);
    if (unit.empty()) unit = unit_text(r, kinds::mc_preference::kDistance.name);
    data << (i ? "\n\n" : "") << "# block " << i << ": " << text_attribute(r, "unit") << "\n";
    for (std::size_t k = 0; k < distance.size() && k < z.size(); ++k) {
      const double a = std::fabs(z[k]);
      if (distance[k] > 0 && a > 0) {
        lo = lo > 0 ? std::min(lo, distance[k]) : distance[k];
        hi = std::max(hi, distance[k]);
        z_lo = z_lo > 0 ? std::min(z_lo, a) : a;
        z_hi = std::max(z_hi, a);
      }
      data << format_number(distance[k]) << " " << format_number(a) << " " << format_number(b) << "\n";
    }
  }
  f.data = data.str();
  if (!(lo > 0)) return {};
  z_hi = std::max(z_hi, bound);

  std::ostringstream g;
  g << "  set title 'Monte Carlo vs exact preference: float32 against float64 rotation phases'\n"
    << "  set xlabel " << gnuplot_string("distance m [" + unit + "s] (log scale)") << "\n"
    << "  set ylabel '|z| = |mean - closed form| / SE (log scale)'\n"
    << "  set logscale xy\n"
    << "  set format x '10^{%L}'\n"
    << "  set format y '10^{%L}'\n"
    << "  set xrange [" << format_number(lo / 1.4) << ":" << format_number(hi * 1.4) << "]\n"
    << "  set yrange [" << format_number(z_lo / 2) << ":" << format_number(z_hi * 3) << "]\n"
    << (hi * 1.4 > kFloatIntegers && lo / 1.4 < kFloatIntegers
            ? "  set arrow 1 from " + format_number(kFloatIntegers) + ", graph 0 to " + format_number(kFloatIntegers) +
                  ", graph 1 nohead ls 9\n  set label 1 '2^{24}: last exact float32 integer' at " +
                  format_number(kFloatIntegers * 1.08) + ", graph 0.06 left font ',11' textcolor rgb '#606060'\n"
            : std::string())
    << "  set key outside right top vertical Left reverse samplen 3\n"
    << "  x(m) = m > 0 ? m : NaN\n"
    << "  plot " << format_number(bound) << " with lines ls 9 lw 2 title "
    << gnuplot_string("Šidák bound z = " + format_number(std::round(bound * 100) / 100));
  constexpr int kPoint[] = {7, 5, 9, 13};  // alternate sizes: equal curves (same draws) stay visible
  std::map<std::string, std::size_t> seen;  // each method's colour, shaded per further unit
  for (std::size_t i = 0; i < units.size(); ++i) {
    const results::RunRecord& r = *units[i];
    const bool is32 = text_attribute(r, "precision", "fp64") == "fp32";
    const std::string method = text_attribute(r, "method", "?");
    g << ", \\\n       data index " << i << " using (x($1)):2 with linespoints" << method_colour(method, seen[method]++)
      << " lw 2 dt "
      << (is32 ? 1 : 2) << " pt " << kPoint[i % 4] << " ps " << (i % 2 ? "0.9" : "1.7") << " title "
      << gnuplot_string(text_attribute(r, "precision", "fp64") + ", " + unit_label(r, {"precision"}) + " (" +
                        text_attribute(r, "run") + ")")
      << " noenhanced";
  }
  g << "\n";
  f.commands = g.str();
  f.width = 1250;
  return {f};
}

std::vector<Figure> phase_error_figures(const results::ResultsFile& file) {
  std::vector<Figure> figures;
  for (const RunUnits& run : units_by_run(file.records, [](const results::RunRecord& r) {
         return text_attribute(r, "kind") == kinds::phase_error_kind().name() &&
                !dataset_numbers(r, kinds::phase_error::kDistance.name).empty();
       })) {
    Figure f;
    f.name = "phase_error_" + run.run;
    f.description = "Largest float32 rotation-phase error vs offset, run " + run.run + " (phase-error)";
    std::ostringstream data;
    data << "# columns: distance [position]  max_error [rad]  reference [rad]\n"
         << "# max_error: max over pairs of |fl32(fl32(Delta) fl32(theta_i)) - Delta theta_i|; reference: 2^-24 Delta "
            "theta_max\n"
         << "# one block per unit (gnuplot: index i)\n";
    double lo = 0, hi = 0, e_lo = 0, e_hi = 0;
    for (std::size_t i = 0; i < run.units.size(); ++i) {
      const results::RunRecord& r = *run.units[i];
      const std::vector<double> distance = dataset_numbers(r, kinds::phase_error::kDistance.name);
      const std::vector<double> error = dataset_numbers(r, kinds::phase_error::kMaxError.name);
      const std::vector<double> theta_max = dataset_numbers(r, kinds::phase_error::kThetaMax.name);
      const double theta = theta_max.empty() ? std::nan("") : theta_max[0];
      data << (i ? "\n\n" : "") << "# block " << i << ": " << text_attribute(r, "unit") << "\n";
      for (std::size_t k = 0; k < distance.size() && k < error.size(); ++k) {
        const double reference = std::ldexp(distance[k] * theta, -24);
        if (distance[k] > 0) {
          lo = lo > 0 ? std::min(lo, distance[k]) : distance[k];
          hi = std::max(hi, distance[k]);
          for (double e : {error[k], reference}) {
            if (!(e > 0)) continue;
            e_lo = e_lo > 0 ? std::min(e_lo, e) : e;
            e_hi = std::max(e_hi, e);
          }
        }
        data << format_number(distance[k]) << " " << format_number(error[k]) << " " << format_number(reference) << "\n";
      }
    }
    f.data = data.str();
    if (!(lo > 0) || !(e_lo > 0)) continue;
    std::ostringstream g;
    g << "  set title " << gnuplot_string("float32 rotation phases: largest error over pairs (run " + run.run +
                                         "; exact points, error 0, not shown)") << "\n"
      << "  set xlabel 'offset Δ [positions] (log scale)'\n"
      << "  set ylabel 'max_i |φ_i^{fp32} − Δ θ_i| [rad] (log scale)'\n"
      << "  set logscale xy\n"
      << "  set format x '10^{%L}'\n"
      << "  set format y '10^{%L}'\n"
      << "  set xrange [" << format_number(lo / 1.4) << ":" << format_number(hi * 1.4) << "]\n"
      << "  set yrange [" << format_number(e_lo / 3) << ":" << format_number(e_hi * 3) << "]\n"
      << (hi * 1.4 > kFloatIntegers && lo / 1.4 < kFloatIntegers
              ? "  set arrow 1 from " + format_number(kFloatIntegers) + ", graph 0 to " + format_number(kFloatIntegers) +
                    ", graph 1 nohead ls 9\n  set label 1 '2^{24}' at " + format_number(kFloatIntegers * 1.1) +
                    ", graph 0.06 left font ',11' textcolor rgb '#606060'\n"
              : std::string())
      << "  set key inside left top Left reverse samplen 3\n"
      << "  y(v) = v > 0 ? v : NaN\n"
      << "  plot ";
    for (std::size_t i = 0; i < run.units.size(); ++i) {
      g << (i ? ", \\\n       " : "") << "data index " << i << " using 1:(y($2)) with points"
        << method_colour(text_attribute(*run.units[i], "method", "?"), i)
        << " pt " << (i % 2 ? 6 : 7) << " ps " << (i % 2 ? "1.4" : "0.8") << " title "
        << gnuplot_string(unit_label(*run.units[i])) << " noenhanced";
    }
    g << ", \\\n       data index 0 using 1:(y($3)) with lines lc rgb '#000000' lw 1.5 dt 2 title "
         "'2^{-24} Δ θ_{max} (half an ulp of the largest phase)'\n";
    f.commands = g.str();
    figures.push_back(f);
  }
  return figures;
}

}  // namespace hopelab::plot
