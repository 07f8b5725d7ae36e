// vlm_frame_match_<run>: the semantic preference inside the VLM (sim/vlm/frame_match.h). Top: on
// tied head 0 of layer 0, the model's ln(w_copy / w_self) (points) and the closed form
// sum_i rho_i (cos phi_i - 1) / sqrt(d) (lines) against the frames apart; bottom: the temporal
// pairs' part of the copy's score, sum over t pairs of rho_i cos phi_i / sqrt(d). One colour per unit.

#include <algorithm>
#include <map>
#include <cmath>
#include <sstream>

#include "kinds/vlm_frame_match.h"
#include "plot/figures.h"
#include "plot/method_style.h"

namespace hopelab::plot {

namespace {

// Column 0 (tied head 0) of an (n, n_kv) dataset; empty when absent.
std::vector<double> head_zero(const results::RunRecord& run, const std::string& name) {
  const results::Dataset* d = find_dataset(run, name);
  if (!d || d->shape.size() != 2 || d->shape[1] < 1) return {};
  const std::vector<double> all = dataset_numbers(run, name);
  std::vector<double> out;
  for (std::size_t k = 0; k * static_cast<std::size_t>(d->shape[1]) < all.size(); ++k) {
    out.push_back(all[k * static_cast<std::size_t>(d->shape[1])]);
  }
  return out;
}

// "hope, γ = 0.5": the method and the temporal options the unit sets; 1D methods marked.
std::string label_of(const results::RunRecord& run) {
  std::string label = method_style(text_attribute(run, "method", "?")).name;
  const double gamma = number_attribute(run, "gamma", std::nan(""));
  const double delta = number_attribute(run, "delta", std::nan(""));
  if (!std::isnan(gamma)) label += ", γ = " + format_number(gamma);
  if (!std::isnan(delta)) label += ", δ = " + format_number(delta);
  const std::vector<double> spatial = dataset_numbers(run, kinds::vlm_frame_match::kSpatialScore.name);
  if (!spatial.empty() && std::all_of(spatial.begin(), spatial.end(), [](double v) { return v == 0; })) {
    label += ", every pair temporal";  // one position per token: every pair counts as temporal
  }
  return label;
}

// Marker of unit i: filled (circle, square, triangle, diamond) and larger open ones in turn, so
// a unit whose points coincide with another's still shows as a ring around them.
std::string marker(std::size_t i) {
  constexpr int kFilled[] = {7, 5, 9, 13}, kOpen[] = {6, 4, 8, 12};
  return i % 2 ? " pt " + std::to_string(kOpen[(i / 2) % 4]) + " ps 1.7"
               : " pt " + std::to_string(kFilled[(i / 2) % 4]) + " ps 1.0";
}

// [lo, hi] widened by a tenth of the span on each side (by 0.5 when flat: HoPE's temporal part).
void pad(double& lo, double& hi) {
  const double margin = hi - lo > 0 ? 0.1 * (hi - lo) : 0.5;
  lo -= margin;
  hi += margin;
}

Figure figure_of(const std::string& run_name, const std::vector<const results::RunRecord*>& units) {
  Figure f;
  f.name = "vlm_frame_match_" + run_name;
  f.description = "Semantic preference inside the VLM: layer-0 tied head 0 vs frames apart, run " + run_name +
                  " (vlm-frame-match)";
  std::ostringstream data;
  data << "# columns: frames_apart [frame]  log_ratio [nat]  log_ratio_closed [nat]  tolerance [nat]  "
          "temporal_score [nat]  spatial_score [nat]\n"
       << "# tied head 0 (query head tied_heads[0]) of each unit: column 0 of the (n, n_kv) datasets\n"
       << "# one block per unit (gnuplot: index i), separated by two blank lines\n";
  double x_hi = 1, top_lo = 0, top_hi = 0, low_lo = INFINITY, low_hi = -INFINITY;
  double worst = 0;  // max over points of |model - closed| / tolerance
  for (std::size_t i = 0; i < units.size(); ++i) {
    const results::RunRecord& r = *units[i];
    const std::vector<double> apart = dataset_numbers(r, kinds::vlm_frame_match::kFramesApart.name);
    const std::vector<double> model = head_zero(r, kinds::vlm_frame_match::kLogRatio.name), closed = head_zero(r, kinds::vlm_frame_match::kLogRatioClosed.name);
    const std::vector<double> tolerance = head_zero(r, kinds::vlm_frame_match::kTolerance.name), temporal = head_zero(r, kinds::vlm_frame_match::kTemporalScore.name);
    const std::vector<double> spatial = head_zero(r, kinds::vlm_frame_match::kSpatialScore.name);
    data << (i ? "\n\n" : "") << "# block " << i << ": " << text_attribute(r, "unit") << "\n";
    const auto at = [](const std::vector<double>& v, std::size_t k) { return k < v.size() ? v[k] : std::nan(""); };
    for (std::size_t k = 0; k < apart.size(); ++k) {
      x_hi = std::max(x_hi, apart[k]);
      for (double y : {at(model, k), at(closed, k)}) {
        if (std::isnan(y)) continue;
        top_lo = std::min(top_lo, y);
        top_hi = std::max(top_hi, y);
      }
      const double e = std::fabs(at(model, k) - at(closed, k)) / at(tolerance, k);
      if (!std::isnan(e)) worst = std::max(worst, e);
      if (!std::isnan(at(temporal, k))) {
        low_lo = std::min(low_lo, at(temporal, k));
        low_hi = std::max(low_hi, at(temporal, k));
      }
      data << format_number(apart[k]) << " " << format_number(at(model, k)) << " " << format_number(at(closed, k))
           << " " << format_number(at(tolerance, k)) << " " << format_number(at(temporal, k)) << " "
           << format_number(at(spatial, k)) << "\n";
    }
  }
  f.data = data.str();
  if (!(low_lo <= low_hi)) low_lo = low_hi = 0;
  pad(top_lo, top_hi);
  pad(low_lo, low_hi);

  // Two panels on a shared x axis; the key (one line per unit) right of the top panel.
  f.width = 1350;
  f.height = 900;
  const std::string preset = text_attribute(*units.front(), "preset", "?");
  std::ostringstream g;
  g << "  set multiplot title " << gnuplot_string("Semantic preference inside the VLM (run " + run_name + ", preset " +
                                                  preset + ", random weights, layer 0, tied head 0)") << " noenhanced\n"
    << "  set xrange [0.5:" << format_number(x_hi + 0.5) << "]\n"
    << "  set xtics " << (x_hi > 40 ? 5 : x_hi > 16 ? 2 : 1) << "\n"
    << "  set lmargin at screen 0.09\n"
    << "  set rmargin at screen 0.72\n"
    << "  set key at screen 0.735, screen 0.90 left top vertical Left reverse samplen 3 spacing 1.2\n"
    << "  set tmargin at screen 0.90\n"
    << "  set bmargin at screen 0.54\n"
    << "  set format x ''\n"
    << "  set yrange [" << format_number(top_lo) << ":" << format_number(top_hi) << "]\n"
    << "  set ylabel 'score difference (nats)'\n"
    << "  set label 1 " << gnuplot_string("ln(w_{copy} / w_{self}): model (points) = closed form Σ_i ρ_i (cos φ_i − 1) / √d "
                                         "(lines), |difference| ≤ " + format_number(std::ceil(worst * 1000) / 1000) +
                                         " × the float32 tolerance") << " at graph 0.01, graph 1.04 left\n"
    << "  plot 0 with lines ls 9 notitle";
  std::vector<std::string> colours;  // each unit in its method's colour (shaded when repeated)
  std::map<std::string, std::size_t> seen;
  for (const results::RunRecord* u : units) {
    const std::string method = text_attribute(*u, "method", "?");
    colours.push_back(method_colour(method, seen[method]++));
  }
  for (std::size_t i = 0; i < units.size(); ++i) {
    const std::string block = "data index " + std::to_string(i);
    const std::string& ls = colours[i];
    g << ", \\\n       " << block << " using 1:3 with lines" << ls << " lw 2 notitle"
      << ", \\\n       " << block << " using 1:2 with points" << ls << marker(i) << " title "
      << gnuplot_string(label_of(*units[i]));
  }
  g << ", \\\n       keyentry with points lc rgb '#808080' pt 6 ps 1.1 title 'points: the model'"
    << ", \\\n       keyentry with lines lc rgb '#808080' lw 2 title 'lines: closed form'\n"
    << "  unset label 1\n"
    << "  unset key\n"
    << "  set tmargin at screen 0.47\n"
    << "  set bmargin at screen 0.10\n"
    << "  set format x '%g'\n"
    << "  set xlabel 'frames apart Δf [frames] (copy of the last frame placed Δf frames earlier)'\n"
    << "  set yrange [" << format_number(low_lo) << ":" << format_number(low_hi) << "]\n"
    << "  set ylabel 'temporal part of the score (nats)'\n"
    << "  set label 1 'temporal pairs'' part of the copy''s score Σ_{i ∈ t} ρ_i cos φ_i / √d: flat for "
       "HoPE (zero frequencies), nearly for VideoRoPE (the slowest)' at graph 0.01, graph 1.04 left\n"
    << "  plot ";
  for (std::size_t i = 0; i < units.size(); ++i) {
    g << (i ? ", \\\n       " : "") << "data index " << i << " using 1:5 with linespoints" << colours[i]
      << " lw 2" << marker(i) << " notitle";
  }
  g << "\n  unset label 1\n  unset multiplot\n";
  f.commands = g.str();
  return f;
}

}  // namespace

std::vector<Figure> vlm_frame_match_figures(const results::ResultsFile& file) {
  std::vector<Figure> figures;
  for (const RunUnits& run : units_by_run(file.records, [](const results::RunRecord& r) {
         return text_attribute(r, "kind") == kinds::vlm_frame_match_kind().name() &&
                !dataset_numbers(r, kinds::vlm_frame_match::kFramesApart.name).empty();
       })) {
    figures.push_back(figure_of(run.run, run.units));
  }
  return figures;
}

}  // namespace hopelab::plot
