// first_violation_<run> and gamma_first_violation: HoPE Theorem 3.1, the smallest distance m at
// which the closed-form preference D turns negative, against a swept parameter (the rotary base
// b, or HoPE's temporal scale gamma). Units proven never to violate are drawn in a labelled
// strip above the plot (no height to give them); units clean up to the scan limit as open
// triangles at the limit (a lower bound).

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "kinds/first_violation.h"
#include "plot/figures.h"
#include "plot/method_style.h"

namespace hopelab::plot {

namespace {

enum Status { kViolated = 0, kNever = 1, kClean = 2 };  // kClean: none up to `limit`

struct Point {
  double x = 0;
  double distance = std::nan("");  // first violation, or the limit when kClean
  Status status = kViolated;
};

struct Curve {
  std::string key;     // run and settings: the points of one curve
  std::string label;   // display name and the settings that tell it from the others
  std::string method;  // as the file spells it
  std::vector<Point> points;
};

// "HoPE, t pairs only", "HoPE-X, b = 1e4": unit_label without the swept key (and along, which a
// figure fixes).
std::string label_without(const results::RunRecord& run, const std::string& key) {
  return unit_label(run, {key, "along"});
}

Point point_of(const results::RunRecord& run, const std::string& key) {
  Point p;
  p.x = number_attribute(run, key, std::nan(""));
  const std::vector<double> first = dataset_numbers(run, kinds::first_violation::kFirstViolation.name);
  const std::vector<double> never = dataset_numbers(run, kinds::first_violation::kProvenNever.name);
  if (!first.empty() && first[0] >= 1) {
    p.distance = first[0];
  } else if (!never.empty() && never[0] == 1) {
    p.status = kNever;
  } else {
    p.status = kClean;
    p.distance = number_attribute(run, "limit", std::nan(""));
  }
  return p;
}

struct Axes {
  std::string key;          // the swept attribute on x
  std::string x_label;      // with unit
  bool log_x = false;
  std::string title;
};

Figure violation_figure(const std::string& name, const std::string& description, const Axes& axes,
                        const std::vector<const results::RunRecord*>& units) {
  std::vector<Curve> curves;
  std::string unit;
  for (const results::RunRecord* r : units) {
    const std::string label = label_without(*r, axes.key);
    const std::string key = text_attribute(*r, "run") + "|" + label;
    auto it = std::find_if(curves.begin(), curves.end(), [&](const Curve& c) { return c.key == key; });
    if (it == curves.end()) it = curves.insert(curves.end(), Curve{key, label, text_attribute(*r, "method", "?"), {}});
    it->points.push_back(point_of(*r, axes.key));
    if (unit.empty()) unit = unit_text(*r, kinds::first_violation::kFirstViolation.name);
  }
  for (Curve& c : curves) {  // two runs with one label: the run named
    const auto same = std::count_if(curves.begin(), curves.end(), [&](const Curve& o) { return o.label == c.label; });
    if (same > 1) c.label += " (run " + c.key.substr(0, c.key.find('|')) + ")";
  }
  double lo = 0, hi = 0, x_lo = 0, x_hi = 0;
  bool first_x = true;
  for (Curve& c : curves) {
    std::sort(c.points.begin(), c.points.end(), [](const Point& a, const Point& b) { return a.x < b.x; });
    for (const Point& p : c.points) {
      x_lo = first_x ? p.x : std::min(x_lo, p.x);
      x_hi = first_x ? p.x : std::max(x_hi, p.x);
      first_x = false;
      if (std::isnan(p.distance)) continue;
      lo = lo > 0 ? std::min(lo, p.distance) : p.distance;
      hi = std::max(hi, p.distance);
    }
  }
  if (!(lo > 0)) lo = hi = 1;
  // Curves with a never-violating point get a row each in a strip above the plot.
  std::map<std::string, std::size_t> never_row;  // curve key -> row 1, 2, ... (top first)
  for (const Curve& c : curves) {
    if (std::any_of(c.points.begin(), c.points.end(), [](const Point& p) { return p.status == kNever; })) {
      never_row[c.key] = never_row.size() + 1;
    }
  }
  const std::size_t never_rows = never_row.size();

  Figure f;
  f.name = name;
  f.description = description;
  std::ostringstream data;
  data << "# columns: " << axes.key << " [1]  first_violation [" << unit << "]  status [1]  never_row [1]\n"
       << "# status 0: violated at first_violation; 1: proven never (first_violation NaN; drawn in the strip\n"
       << "# 'never violated (proven)' above the plot, on row never_row); 2: none up to the scan limit\n"
       << "# (first_violation = the limit, a lower bound)\n"
       << "# one block per curve (gnuplot: index i)\n";
  for (std::size_t i = 0; i < curves.size(); ++i) {
    data << (i ? "\n\n" : "") << "# block " << i << ": " << curves[i].label << "\n";
    const auto row = never_row.find(curves[i].key);
    for (const Point& p : curves[i].points) {
      data << format_number(p.x) << " " << format_number(p.status == kNever ? std::nan("") : p.distance) << " "
           << static_cast<int>(p.status) << " "
           << (row == never_row.end() ? std::string("NaN") : std::to_string(row->second)) << "\n";
    }
  }
  f.data = data.str();

  // Layout: a strip of never_rows rows (26 px each) over the main plot, the key right of both.
  f.width = 1300;
  const int strip = never_rows ? static_cast<int>(26 * never_rows + 34) : 0;
  f.height = 650 + strip;
  const double top = 1.0 - 60.0 / f.height, bottom = 80.0 / f.height;
  const double split = top - static_cast<double>(strip) / f.height;

  std::vector<std::string> styles, points;  // per curve: colour and dash; point type
  std::map<std::string, std::size_t> seen;
  for (const Curve& c : curves) {
    const MethodStyle style = method_style(c.method);
    const std::size_t k = seen[c.method]++;
    const int dash = k == 0 ? style.dash : static_cast<int>(1 + (static_cast<std::size_t>(style.dash) + k) % 5);
    styles.push_back(" lc rgb '" + shade_of(style.colour, k) + "' lw 2 dt " + std::to_string(dash));
    points.push_back(" pt " + std::to_string(k == 0 ? style.point : (style.point + 2 * static_cast<int>(k)) % 14 + 1));
  }

  std::ostringstream g;
  std::string xrange;
  if (axes.log_x) {
    xrange = "  set logscale x\n  set format x '10^{%L}'\n  set xrange [" + format_number(x_lo / 1.6) + ":" +
             format_number(x_hi * 1.6) + "]\n";
  } else {
    const double pad = (x_hi - x_lo) * 0.08 + (x_hi == x_lo ? 0.5 : 0);
    std::vector<double> xs;
    for (const Curve& c : curves) {
      for (const Point& p : c.points) {
        if (std::find(xs.begin(), xs.end(), p.x) == xs.end()) xs.push_back(p.x);
      }
    }
    std::sort(xs.begin(), xs.end());
    xrange = "  set xrange [" + format_number(x_lo - pad) + ":" + format_number(x_hi + pad) + "]\n  set xtics (";
    for (std::size_t i = 0; i < xs.size(); ++i) xrange += (i ? ", " : "") + format_number(xs[i]);
    xrange += ")\n";
  }
  g << "  set multiplot title " << gnuplot_string(axes.title) << "\n"
    << "  set lmargin at screen 0.09\n  set rmargin at screen 0.68\n" << xrange;
  if (never_rows) {  // the strip: one row per curve that never violates somewhere, labelled
    g << "  set tmargin at screen " << format_number(top) << "\n"
      << "  set bmargin at screen " << format_number(split + 8.0 / f.height) << "\n"
      << "  set yrange [" << static_cast<double>(never_rows) + 0.6 << ":0.4]\n  set ytics (";
    std::size_t n = 0;
    for (const Curve& c : curves) {
      if (never_row.count(c.key)) g << (n++ ? ", " : "") << gnuplot_string(" ") << " " << never_row[c.key];
    }
    g << ")\n  set format x ''\n  unset xlabel\n  unset key\n  set grid noytics\n"
      << "  set label 1 'never violated (proven)' at graph 0.01, graph 1 left offset 0, 0.6 font ',11'\n"
      << "  set ylabel ''\n"
      << "  plot ";
    bool first = true;
    for (std::size_t i = 0; i < curves.size(); ++i) {
      if (!never_row.count(curves[i].key)) continue;
      g << (first ? "" : ", \\\n       ") << "data index " << i << " using 1:($3 == 1 ? $4 : NaN) with points"
        << styles[i] << points[i] << " ps 1.6 notitle";
      first = false;
    }
    g << "\n  unset label 1\n  set grid\n  set ytics autofreq\n";
    g << (axes.log_x ? "  set format x '10^{%L}'\n" : "  set format x '% h'\n");
  }
  g << "  set tmargin at screen " << format_number(split) << "\n"
    << "  set bmargin at screen " << format_number(bottom) << "\n"
    << "  set xlabel " << gnuplot_string(axes.x_label) << "\n"
    << "  set ylabel " << gnuplot_string("first violating distance m [" + unit + "s] (log scale)") << "\n"
    << "  set logscale y\n"
    << "  set format y '10^{%L}'\n"
    << "  set yrange [" << format_number(lo / 2.5) << ":" << format_number(hi * 2.5) << "]\n"
    << "  set key at screen 0.7, screen " << format_number(top) << " left top Left reverse samplen 2\n"
    << "  v(s, m) = s == 0 ? m : NaN\n"
    << "  plot ";
  bool any_clean = false;
  for (std::size_t i = 0; i < curves.size(); ++i) {
    const std::string block = "data index " + std::to_string(i);
    const std::string size = format_number(std::max(0.9, 2.3 - 0.55 * static_cast<double>(i)));
    g << (i ? ", \\\n       " : "") << block << " using 1:(v($3, $2)) with linespoints" << styles[i] << points[i] << " ps "
      << size << " title " << gnuplot_string(curves[i].label);
    g << ", \\\n       " << block << " using 1:($3 == 2 ? $2 : NaN) with points" << styles[i] << " pt 8 ps "
      << format_number(std::max(1.0, 2.6 - 0.4 * static_cast<double>(i))) << " notitle";  // nested when equal
    any_clean = any_clean || std::any_of(curves[i].points.begin(), curves[i].points.end(),
                                         [](const Point& p) { return p.status == kClean; });
  }
  if (any_clean) g << ", \\\n       keyentry with points lc rgb '#000000' pt 8 ps 1.8 title 'none up to the scan limit'";
  if (never_rows) {
    g << ", \\\n       keyentry with points lc rgb '#000000' pt 7 ps 0 title "
      << gnuplot_string("top strip: never violated (proven)");
  }
  g << "\n  unset multiplot\n";
  f.commands = g.str();
  return f;
}

bool is_first_violation(const results::RunRecord& r) { return text_attribute(r, "kind") == kinds::first_violation_kind().name(); }

// The distinct values of attribute `key` among `units`.
std::size_t distinct(const std::vector<const results::RunRecord*>& units, const std::string& key) {
  std::vector<double> values;
  for (const results::RunRecord* r : units) {
    const double v = number_attribute(*r, key, std::nan(""));
    if (!std::isnan(v) && std::find(values.begin(), values.end(), v) == values.end()) values.push_back(v);
  }
  return values.size();
}

}  // namespace

std::vector<Figure> first_violation_figures(const results::ResultsFile& file) {
  std::vector<Figure> figures;
  for (const RunUnits& run : units_by_run(file.records, is_first_violation)) {
    if (distinct(run.units, "base") < 3) continue;
    Axes axes;
    axes.key = "base";
    axes.x_label = "rotary base b (log scale)";
    axes.log_x = true;
    axes.title = "First violation of the preference vs rotary base (run " + run.run + ", along " +
                 text_attribute(*run.units.front(), "along", "text") + ")";
    figures.push_back(violation_figure("first_violation_" + run.run,
                                       "First violating distance vs rotary base, run " + run.run + " (first-violation)",
                                       axes, run.units));
  }
  return figures;
}

std::vector<Figure> gamma_violation_figures(const results::ResultsFile& file) {
  std::vector<const results::RunRecord*> units;
  for (const RunUnits& run : units_by_run(file.records, [](const results::RunRecord& r) {
         return is_first_violation(r) && text_attribute(r, "along") == "frames";
       })) {
    if (distinct(run.units, "gamma") < 2) continue;
    units.insert(units.end(), run.units.begin(), run.units.end());
  }
  if (units.empty()) return {};
  Axes axes;
  axes.key = "gamma";
  axes.x_label = "HoPE temporal scale γ (dimensionless)";
  axes.title = "First violation along frames vs γ (first-violation runs sweeping gamma)";
  return {violation_figure("gamma_first_violation", "First violating frame distance vs HoPE's gamma (first-violation)",
                           axes, units)};
}

}  // namespace hopelab::plot
