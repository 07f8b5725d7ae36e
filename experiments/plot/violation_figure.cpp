// first_violation_<run> and gamma_first_violation: HoPE Theorem 3.1, the smallest distance m at
// which the closed-form preference D turns negative, against a swept parameter (the rotary base
// b, or HoPE's temporal scale gamma). Units proven never to violate, or clean up to the scan
// limit, are drawn as triangles above the data (never) or at the limit (a lower bound).

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "kinds/first_violation.h"
#include "plot/figures.h"

namespace hopelab::plot {

namespace {

enum Status { kViolated = 0, kNever = 1, kClean = 2 };  // kClean: none up to `limit`

struct Point {
  double x = 0;
  double distance = std::nan("");  // first violation, or the limit when kClean
  Status status = kViolated;
};

struct Curve {
  std::string label;
  std::vector<Point> points;
};

// The sweep label of a unit without its `key=value` part ("method=hope,base=1e4" -> "method=hope").
std::string label_without(const results::RunRecord& run, const std::string& key, bool with_run) {
  std::string out;
  std::stringstream parts(sweep_label(run));
  std::string part;
  while (std::getline(parts, part, ',')) {
    if (part.rfind(key + "=", 0) == 0) continue;
    out += (out.empty() ? "" : ",") + part;
  }
  const std::string axis = text_attribute(run, "only_axis");
  if (!axis.empty()) out += (out.empty() ? "" : ",") + axis + " pairs only";
  const std::string unit = text_attribute(run, "unit");
  if (unit.find('/') == std::string::npos && axis.empty()) return text_attribute(run, "run");
  if (out.empty()) return text_attribute(run, "run");
  return with_run ? text_attribute(run, "run") + ": " + out : out;
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
  bool run_in_label = false;  // curves of several runs: "run: sweep part"
};

Figure violation_figure(const std::string& name, const std::string& description, const Axes& axes,
                        const std::vector<const results::RunRecord*>& units) {
  std::vector<Curve> curves;
  std::string unit;
  for (const results::RunRecord* r : units) {
    const std::string label = label_without(*r, axes.key, axes.run_in_label);
    auto it = std::find_if(curves.begin(), curves.end(), [&](const Curve& c) { return c.label == label; });
    if (it == curves.end()) it = curves.insert(curves.end(), Curve{label, {}});
    it->points.push_back(point_of(*r, axes.key));
    if (unit.empty()) unit = unit_text(*r, kinds::first_violation::kFirstViolation.name);
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
  // Never-violating curves sit on rows above the data, one row (a factor 1.6) per curve.
  const double never_base = hi * 3;
  std::size_t never_rows = 0;
  std::map<std::string, double> never_y;
  for (const Curve& c : curves) {
    if (std::any_of(c.points.begin(), c.points.end(), [](const Point& p) { return p.status == kNever; })) {
      never_y[c.label] = never_base * std::pow(1.6, static_cast<double>(never_rows++));
    }
  }
  const double y_top = never_rows ? never_base * std::pow(1.6, static_cast<double>(never_rows)) : hi * 2.5;

  Figure f;
  f.name = name;
  f.description = description;
  std::ostringstream data;
  data << "# columns: " << axes.key << " [1]  first_violation [" << unit
       << "]  status [1]  never_row [" << unit << "]\n"
       << "# status 0: violated at first_violation; 1: proven never (first_violation NaN, drawn at never_row);\n"
       << "# 2: none up to the scan limit (first_violation = the limit, a lower bound)\n"
       << "# one block per curve (gnuplot: index i)\n";
  for (std::size_t i = 0; i < curves.size(); ++i) {
    data << (i ? "\n\n" : "") << "# block " << i << ": " << curves[i].label << "\n";
    for (const Point& p : curves[i].points) {
      const auto row = never_y.find(curves[i].label);
      data << format_number(p.x) << " " << format_number(p.status == kNever ? std::nan("") : p.distance) << " "
           << static_cast<int>(p.status) << " " << format_number(row == never_y.end() ? std::nan("") : row->second)
           << "\n";
    }
  }
  f.data = data.str();

  std::ostringstream g;
  g << "  set title " << gnuplot_string(axes.title) << "\n"
    << "  set xlabel " << gnuplot_string(axes.x_label) << "\n"
    << "  set ylabel " << gnuplot_string("first violating distance m [" + unit + "s] (log scale)") << "\n"
    << "  set logscale y\n"
    << "  set format y '10^{%L}'\n"
    << "  set yrange [" << format_number(lo / 2.5) << ":" << format_number(y_top) << "]\n";
  if (axes.log_x) {
    g << "  set logscale x\n  set format x '10^{%L}'\n"
      << "  set xrange [" << format_number(x_lo / 1.6) << ":" << format_number(x_hi * 1.6) << "]\n";
  } else {
    const double pad = (x_hi - x_lo) * 0.08 + (x_hi == x_lo ? 0.5 : 0);
    g << "  set xrange [" << format_number(x_lo - pad) << ":" << format_number(x_hi + pad) << "]\n  set xtics (";
    std::vector<double> xs;
    for (const Curve& c : curves) {
      for (const Point& p : c.points) {
        if (std::find(xs.begin(), xs.end(), p.x) == xs.end()) xs.push_back(p.x);
      }
    }
    std::sort(xs.begin(), xs.end());
    for (std::size_t i = 0; i < xs.size(); ++i) g << (i ? ", " : "") << format_number(xs[i]);
    g << ")\n";
  }
  if (never_rows) {  // a dashed line separates the never-violated rows from the data
    g << "  set arrow 1 from graph 0, first " << format_number(never_base / 1.25) << " to graph 1, first "
      << format_number(never_base / 1.25) << " nohead ls 9\n";
  }
  g << "  set key outside right top vertical Left reverse samplen 2\n"
    << "  v(s, m) = s == 0 ? m : NaN\n"
    << "  plot ";
  // Curves that coincide stay visible: each its own marker and dash, earlier ones larger.
  constexpr int kPoint[] = {7, 5, 13, 11, 15};
  bool first = true;
  bool any_clean = false;
  for (std::size_t i = 0; i < curves.size(); ++i) {
    const std::string ls = " ls " + std::to_string(curve_style(i));
    const std::string block = "data index " + std::to_string(i);
    g << (first ? "" : ", \\\n       ") << block << " using 1:(v($3, $2)) with linespoints" << ls << " dt "
      << (i % 3 + 1) << " pt " << kPoint[i % 5] << " ps " << format_number(std::max(0.8, 1.8 - 0.25 * static_cast<double>(i)))
      << " title " << gnuplot_string(curves[i].label) << " noenhanced";
    first = false;
    g << ", \\\n       " << block << " using 1:($3 == 1 ? $4 : NaN) with points" << ls << " pt 9 ps 1.8 notitle";
    g << ", \\\n       " << block << " using 1:($3 == 2 ? $2 : NaN) with points" << ls << " pt 8 ps "
      << format_number(std::max(1.0, 2.6 - 0.4 * static_cast<double>(i))) << " notitle";  // nested when equal
    any_clean = any_clean || std::any_of(curves[i].points.begin(), curves[i].points.end(),
                                         [](const Point& p) { return p.status == kClean; });
  }
  if (never_rows) g << ", \\\n       keyentry with points lc rgb '#000000' pt 9 ps 1.8 title 'never violated (proven)'";
  if (any_clean) g << ", \\\n       keyentry with points lc rgb '#000000' pt 8 ps 1.8 title 'none up to the scan limit'";
  g << "\n";
  f.commands = g.str();
  f.width = 1300;
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
  axes.run_in_label = true;
  axes.x_label = "HoPE temporal scale γ (dimensionless)";
  axes.title = "First violation along frames vs γ (first-violation runs sweeping gamma)";
  return {violation_figure("gamma_first_violation", "First violating frame distance vs HoPE's gamma (first-violation)",
                           axes, units)};
}

}  // namespace hopelab::plot
