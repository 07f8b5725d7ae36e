// preference_<run>: HoPE Definition 3.1 / Men et al. (2024) expected preference
// D(m) = E[q R(m) k*] - E[q R(m) k] against the distance m, closed form beside Monte Carlo.
// A unit samples D at its own distances, which can step over a violation: HoPE along text first
// turns negative at m = 33649, between two samples of a 500-token grid. So each curve also gets
// the theory's first violation (theory/first_violation.h, over every integer m up to the
// curve's last distance), D at every integer around it, a marker there and, per row, the lowest
// D plotted so far; the key says where each curve first violates, or that it does not.

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "kinds/mc_preference.h"
#include "kinds/preference.h"
#include "kinds/record_form.h"
#include "plot/figures.h"
#include "plot/method_style.h"
#include "plot/record_method.h"
#include "theory/input_error.h"

namespace hopelab::plot {

int curve_style(std::size_t i) {
  constexpr int kOrder[] = {1, 2, 3, 5, 6, 7, 8, 4};
  return kOrder[i % 8];
}

namespace {

// Largest scan of the first violation, in pair evaluations (a few seconds); a longer one stops
// early and the key says up to where it looked.
constexpr double kScanBudget = 4e9;
// Half-width of the window of every integer distance drawn around a first violation.
constexpr std::int64_t kWindow = 600;

enum RowKind { kSample = 0, kAdded = 1, kFirst = 2 };

struct Row {
  double distance = 0, closed_form = std::nan(""), mean = std::nan(""), halfwidth = std::nan("");
  RowKind kind = kSample;
};

// The theory's answer for one curve, over 1..limit.
struct Violation {
  enum Status { kViolated, kNever, kClean, kUnknown } status = kUnknown;
  std::int64_t distance = 0;  // kViolated: the first m with D < 0
  std::int64_t limit = 0;     // the distances looked at: 1..limit
  bool capped = false;        // limit below the curve's last distance (scan budget)
  std::string why;            // kUnknown
};

struct Curve {
  std::string method;  // as the file spells it
  std::string label;   // display name and the settings that tell it from the others
  std::vector<std::string> units;
  bool monte_carlo = false;
  std::vector<Row> rows;  // by distance
  Violation violation;
  std::string unit;  // distance unit
};

// "key=value,key=value" -> pairs.
std::vector<std::pair<std::string, std::string>> sweep_parts(const results::RunRecord& run) {
  std::vector<std::pair<std::string, std::string>> out;
  const std::string unit = text_attribute(run, "unit");
  if (unit.find('/') == std::string::npos) return out;
  std::stringstream parts(sweep_label(run));
  std::string part;
  while (std::getline(parts, part, ',')) {
    const std::size_t eq = part.find('=');
    if (eq != std::string::npos) out.emplace_back(part.substr(0, eq), part.substr(eq + 1));
  }
  return out;
}

std::vector<Row> rows_of(const results::RunRecord& run, bool monte_carlo) {
  const std::vector<double> distance = dataset_numbers(run, kinds::preference::kDistance.name);
  const std::vector<double> closed =
      dataset_numbers(run, monte_carlo ? kinds::mc_preference::kTheory.name : kinds::preference::kValue.name);
  const std::vector<double> mean = dataset_numbers(run, kinds::mc_preference::kMean.name);
  const std::vector<double> se = dataset_numbers(run, kinds::mc_preference::kStandardError.name);
  const double z = number_attribute(run, "z_bound", 3.0);
  std::vector<Row> rows;
  for (std::size_t k = 0; k < distance.size(); ++k) {
    Row r;
    r.distance = distance[k];
    if (k < closed.size()) r.closed_form = closed[k];
    if (monte_carlo && k < mean.size() && k < se.size()) {
      r.mean = mean[k];
      r.halfwidth = z * se[k];
    }
    rows.push_back(r);
  }
  return rows;
}

// The theory's first violation over 1..(last distance), and D at every integer around it.
void add_violation(const results::RunRecord& run, Curve* c) {
  double last = 0;
  for (const Row& r : c->rows) {
    if (std::isfinite(r.distance)) last = std::max(last, r.distance);
  }
  Violation& v = c->violation;
  if (!(last >= 1)) {
    v.why = "no distance >= 1";
    return;
  }
  std::string why;
  const std::optional<UnitTheory> theory = unit_theory(run, &why);
  if (!theory) {
    v.why = why;
    return;
  }
  const double pairs = theory->method.spectrum.pairs();
  v.limit = static_cast<std::int64_t>(std::min(std::floor(last), std::max(1.0, std::floor(kScanBudget / pairs))));
  v.capped = static_cast<double>(v.limit) < std::floor(last);
  ViolationQuery q;
  q.direction = theory->direction;
  q.grid_height = theory->grid_height;
  q.grid_width = theory->grid_width;
  q.limit = v.limit;
  FirstViolation fv;
  try {
    fv = first_violation(theory->method, q);
  } catch (const InputError& e) {  // settings the theory refuses (an edited file): no mark, the reason said
    v.why = e.what();
    return;
  }
  if (fv.proven_never) {
    v.status = Violation::kNever;
    return;
  }
  if (!fv.distance) {
    v.status = Violation::kClean;
    return;
  }
  v.status = Violation::kViolated;
  v.distance = *fv.distance;
  // Every integer within kWindow of the violation, at most the gap between the samples around it.
  double below = 0, above = last;
  for (const Row& r : c->rows) {
    if (r.distance <= static_cast<double>(v.distance)) below = std::max(below, r.distance);
    if (r.distance >= static_cast<double>(v.distance)) above = std::min(above, r.distance);
  }
  const auto gap = static_cast<std::int64_t>(std::max(1.0, above - below));
  const std::int64_t half = std::min(kWindow, gap);
  const std::int64_t from = std::max<std::int64_t>(1, v.distance - half);
  const std::int64_t to = std::min(static_cast<std::int64_t>(std::floor(last)), v.distance + half);
  std::vector<double> sampled;
  for (const Row& r : c->rows) sampled.push_back(r.distance);
  std::sort(sampled.begin(), sampled.end());
  for (std::int64_t m = from; m <= to; ++m) {
    const bool first = m == v.distance;
    if (!first && std::binary_search(sampled.begin(), sampled.end(), static_cast<double>(m))) continue;
    Row r;
    r.distance = static_cast<double>(m);
    r.closed_form = closed_form_at(*theory, m);
    r.kind = first ? kFirst : kAdded;
    c->rows.push_back(r);
  }
}

std::string violation_text(const Curve& c) {
  const Violation& v = c.violation;
  const std::string unit = c.unit == "frame" ? "frames" : c.unit == "token" ? "tokens" : c.unit;
  switch (v.status) {
    case Violation::kViolated:
      return "first D < 0 at m = " + format_number(static_cast<double>(v.distance));
    case Violation::kNever:
      return "D ≥ 0 at every m (proven)";
    case Violation::kClean:
      return std::string("D ≥ 0 at every m ≤ ") + format_number(static_cast<double>(v.limit)) +
             (v.capped ? " (scan stopped there)" : "");
    case Violation::kUnknown:
      break;
  }
  return "first violation not computed: " + v.why;
}

// Decades (10^k) on an axis of two decades or more; on a narrower one (a log axis would label
// one tick or none) the distances themselves when few, else 1-2-5 steps.
std::string x_tics(const std::vector<Curve>& curves, double lo, double hi) {
  std::vector<double> ticks;
  for (const Curve& c : curves) {
    for (const Row& r : c.rows) {
      if (r.kind == kSample && r.distance > 0 && std::find(ticks.begin(), ticks.end(), r.distance) == ticks.end()) {
        ticks.push_back(r.distance);
      }
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

// A figure: the units of one run, or of runs that differ only in the method.
struct Group {
  std::string name;
  std::vector<std::string> runs;
  std::vector<const results::RunRecord*> units;
};

Figure figure_of(const Group& group) {
  // Curves: a unit's sweep point without its sampling keys (offsets, frames): a run that sweeps
  // two ranges of distances draws each setting as one curve.
  std::vector<Curve> curves;
  std::map<std::string, std::size_t> method_count;
  std::vector<std::string> keys_seen;
  for (const results::RunRecord* r : group.units) {
    std::string key = text_attribute(*r, "run") + "|";
    std::string label = method_style(text_attribute(*r, "method", "?")).name;
    for (const auto& [k, value] : sweep_parts(*r)) {
      if (k == "offsets" || k == "frames") continue;
      key += k + "=" + value + ",";
      if (k != "method") label += ", " + setting_text(k, value);
    }
    const auto known = std::find(keys_seen.begin(), keys_seen.end(), key);
    const bool mc = text_attribute(*r, "kind") == kinds::mc_preference_kind().name();
    if (known == keys_seen.end()) {
      keys_seen.push_back(key);
      Curve c;
      c.method = text_attribute(*r, "method", "?");
      c.label = label;
      c.monte_carlo = mc;
      c.unit = unit_text(*r, kinds::preference::kDistance.name);
      curves.push_back(c);
    }
    Curve& c = curves[static_cast<std::size_t>(std::find(keys_seen.begin(), keys_seen.end(), key) - keys_seen.begin())];
    c.units.push_back(text_attribute(*r, "unit"));
    for (const Row& row : rows_of(*r, mc)) c.rows.push_back(row);
  }
  for (std::size_t i = 0; i < curves.size(); ++i) {
    Curve& c = curves[i];
    std::stable_sort(c.rows.begin(), c.rows.end(), [](const Row& a, const Row& b) { return a.distance < b.distance; });
    // Rows of two ranges that meet at one distance: the first kept.
    c.rows.erase(std::unique(c.rows.begin(), c.rows.end(),
                             [](const Row& a, const Row& b) { return a.distance == b.distance; }),
                 c.rows.end());
    const results::RunRecord* first = nullptr;
    for (const results::RunRecord* r : group.units) {
      if (first == nullptr && text_attribute(*r, "unit") == c.units.front()) first = r;
    }
    add_violation(*first, &c);
    std::stable_sort(c.rows.begin(), c.rows.end(), [](const Row& a, const Row& b) { return a.distance < b.distance; });
  }
  const std::string unit = curves.front().unit;
  const bool monte_carlo = std::any_of(curves.begin(), curves.end(), [](const Curve& c) { return c.monte_carlo; });
  const double z = number_attribute(*group.units.front(), "z_bound", 3.0);
  const std::string along = text_attribute(*group.units.front(), "along", "text");

  std::vector<std::string> methods;  // in order of first appearance
  for (const Curve& c : curves) {
    if (std::find(methods.begin(), methods.end(), c.method) == methods.end()) methods.push_back(c.method);
  }
  std::string runs, method_names;
  for (const std::string& r : group.runs) runs += (runs.empty() ? "" : ", ") + r;
  for (const std::string& m : methods) method_names += (method_names.empty() ? "" : " vs ") + method_style(m).name;

  Figure f;
  f.name = group.name;
  f.description = "Expected preference D vs distance along " + along + ", " + method_names + " (run" +
                  (group.runs.size() > 1 ? "s " : " ") + runs + ")";
  std::ostringstream data;
  data << "# columns: distance [" << unit << "]  closed_form_D [sigma^2]  mc_mean [sigma^2]  mc_halfwidth [sigma^2]"
       << "  lowest_so_far [sigma^2]  row [1]\n"
       << "# mc_halfwidth = z * standard_error" << (monte_carlo ? " with z = " + format_number(z) : "")
       << " (NaN without Monte Carlo); D in units of sigma^2 (sigma = 1)\n"
       << "# lowest_so_far: the smallest closed_form_D of this block at this distance or before\n"
       << "# row 0: a distance of the unit; 1: added here, the closed form (theory/preference.h) at every integer\n"
       << "# distance near the first violation; 2: the first violation (theory/first_violation.h, every integer\n"
       << "# distance from 1 to the block's last one scanned)\n"
       << "# one block per curve (gnuplot: index i), separated by two blank lines\n";
  for (std::size_t i = 0; i < curves.size(); ++i) {
    const Curve& c = curves[i];
    std::string names;
    for (const std::string& u : c.units) names += (names.empty() ? "" : " + ") + u;
    data << (i ? "\n\n" : "") << "# block " << i << ": " << names << "\n"
         << "# curve: " << plain_text(c.label + "; " + violation_text(c)) << "\n";
    double lowest = std::nan("");
    for (const Row& r : c.rows) {
      if (!std::isnan(r.closed_form)) lowest = std::isnan(lowest) ? r.closed_form : std::min(lowest, r.closed_form);
      data << format_number(r.distance) << " " << format_number(r.closed_form) << " " << format_number(r.mean) << " "
           << format_number(r.halfwidth) << " " << format_number(lowest) << " " << static_cast<int>(r.kind) << "\n";
    }
  }
  f.data = data.str();

  double lo = 0, hi = 0;  // positive distances only (log axis)
  for (const Curve& c : curves) {
    for (const Row& r : c.rows) {
      if (!(r.distance > 0)) continue;
      lo = lo > 0 ? std::min(lo, r.distance) : r.distance;
      hi = std::max(hi, r.distance);
    }
  }
  // The key below the plot, a line per curve and per explanation, its top under the x label.
  const std::size_t key_lines = curves.size() + 2 + (monte_carlo ? 1 : 0) +
                                (std::any_of(curves.begin(), curves.end(), [](const Curve& c) {
                                   return c.violation.status == Violation::kViolated;
                                 }) ? 1 : 0);
  const int height = 560 + 22 * static_cast<int>(key_lines);
  const double key_bottom = (22.0 * static_cast<double>(key_lines) + 75.0) / height;
  const std::string unit_plural = unit == "frame" ? "frames" : unit == "token" ? "tokens" : unit;
  std::ostringstream g;
  g << "  set title " << gnuplot_string("Expected preference D along " + along + ": " + method_names + " (run" +
                                       (group.runs.size() > 1 ? "s " : " ") + runs + ")") << "\n"
    << "  set xlabel " << gnuplot_string("distance m [" + unit_plural + "]  (log scale; m = 0 not shown)") << "\n"
    << "  set ylabel 'expected preference D [σ^2]'\n"
    << "  set logscale x\n"
    << x_tics(curves, lo, hi)
    << "  set xrange [" << format_number(lo / 1.25) << ":" << format_number(hi * 1.25) << "]\n"
    << "  set offsets 0, 0, graph 0.05, graph 0.05\n"
    << "  set bmargin at screen " << format_number(key_bottom) << "\n"
    << "  set key at screen 0.07, screen 0.015 left bottom Left reverse vertical maxcols 1 samplen 4\n"
    << "  x(m) = m > 0 ? m : NaN\n"
    << "  y(m, v) = m > 0 ? v : NaN\n";
  // A dotted line at each first violation, in its curve's colour.
  for (std::size_t i = 0; i < curves.size(); ++i) {
    const Curve& c = curves[i];
    if (c.violation.status != Violation::kViolated) continue;
    std::size_t k = 0;
    for (std::size_t j = 0; j < i; ++j) k += curves[j].method == c.method ? 1 : 0;
    g << "  set arrow " << i + 1 << " from " << c.violation.distance << ", graph 0 to " << c.violation.distance
      << ", graph 1 nohead lw 1.5 dt 3 lc rgb '" << shade_of(method_style(c.method).colour, k) << "'\n";
  }
  g << "  plot 0 with lines ls 9 title 'D = 0'";
  std::map<std::string, std::size_t> seen;
  bool any_violation = false;
  for (std::size_t i = 0; i < curves.size(); ++i) {
    const Curve& c = curves[i];
    const MethodStyle style = method_style(c.method);
    const std::size_t k = seen[c.method]++;
    const std::string colour = " lc rgb '" + shade_of(style.colour, k) + "'";
    const std::string block = "data index " + std::to_string(i);
    const int dash = k == 0 ? style.dash : static_cast<int>(1 + (static_cast<std::size_t>(style.dash) + k) % 5);
    g << ", \\\n       " << block << " using (x($1)):(y($1, $2)) with lines" << colour << " lw " << (k == 0 ? "2.5" : "2")
      << " dt " << dash << " title " << gnuplot_string(c.label + ": " + violation_text(c));
    if (c.monte_carlo) {
      g << ", \\\n       " << block << " using (x($1)):(y($1, $3)):4 with yerrorbars" << colour << " lw 1.2 pt " << style.point
        << " ps 0.9 notitle";
    }
    g << ", \\\n       " << block << " using (x($1)):(y($1, $5)) with steps lc rgb '" << tint(shade_of(style.colour, k), 0.35)
      << "' lw 1 dt 2 notitle";
    if (c.violation.status == Violation::kViolated) {
      any_violation = true;
      g << ", \\\n       " << block << " using (x($1)):($6 == 2 ? $2 : NaN) with points" << colour
        << " pt 12 ps 2.6 lw 2 notitle";
    }
  }
  if (monte_carlo) {
    g << ", \\\n       keyentry with yerrorbars lc rgb '#000000' lw 1.2 pt 7 ps 0.9 title "
      << gnuplot_string("Monte Carlo mean ± " + format_number(std::round(z * 100) / 100) + " SE");
  }
  g << ", \\\n       keyentry with steps lc rgb '#000000' lw 1 dt 2 title 'lowest D drawn so far'";
  if (any_violation) {
    g << ", \\\n       keyentry with points lc rgb '#000000' pt 12 ps 2 lw 2 title "
      << gnuplot_string("first violation, every integer m checked (dotted line)");
  }
  g << "\n";
  f.commands = g.str();
  f.width = 1200;
  f.height = height;
  return f;
}

bool is_preference(const results::RunRecord& r) {
  const std::string kind = text_attribute(r, "kind");
  if (kind != kinds::preference_kind().name() && kind != kinds::mc_preference_kind().name()) return false;
  const std::vector<double> distance = dataset_numbers(r, kinds::preference::kDistance.name);
  return std::any_of(distance.begin(), distance.end(), [](double m) { return m > 0; });
}

// Every setting of a single-unit run but its method, as text: runs equal in it are one figure.
// The settings are read back from the attributes (kinds/record_form.h), so an option a method
// does not read, which its record leaves out, compares at its default; a record whose attributes
// make no settings is a figure of its own.
std::string settings_but_method(const results::RunRecord& r) {
  kinds::UnitSettings settings;
  try {
    settings = kinds::settings_from_record(r);
  } catch (const InputError&) {
    return "|" + r.group;
  }
  std::string out = settings->kind().name();
  kinds::for_each_field(*settings, [&](const params::Field& f, const auto& member) {
    const std::string name = f.name;
    if (name != "method" && name != "seed") out += "|" + name + "=" + params::value_text(member);
  });
  return out;
}

}  // namespace

std::vector<Figure> preference_figures(const results::ResultsFile& file) {
  std::vector<Group> groups;
  std::map<std::string, std::size_t> by_settings;  // single-unit runs: settings but method -> group
  for (const RunUnits& run : units_by_run(file.records, is_preference)) {
    if (run.units.size() == 1 && sweep_parts(*run.units.front()).empty()) {
      const std::string key = settings_but_method(*run.units.front());
      const auto known = by_settings.find(key);
      const std::string method = text_attribute(*run.units.front(), "method");
      if (known != by_settings.end()) {
        Group& g = groups[known->second];
        const bool new_method = std::none_of(g.units.begin(), g.units.end(), [&](const results::RunRecord* u) {
          return text_attribute(*u, "method") == method;
        });
        if (new_method) {
          g.runs.push_back(run.run);
          g.units.push_back(run.units.front());
          continue;
        }
      } else {
        by_settings[key] = groups.size();
      }
    }
    groups.push_back({"preference_" + run.run, {run.run}, run.units});
  }
  std::vector<Figure> figures;
  for (Group& g : groups) {
    if (g.runs.size() > 1) {  // preference_<along>_<method>-vs-<method>
      g.name = "preference_" + text_attribute(*g.units.front(), "along", "text");
      for (std::size_t i = 0; i < g.units.size(); ++i) {
        g.name += (i ? "-vs-" : "_") + text_attribute(*g.units[i], "method", "unknown");
      }
    }
    figures.push_back(figure_of(g));
  }
  return figures;
}

}  // namespace hopelab::plot
