// The V-NIAH experiment's figures (kind vlm-niah, docs/vlm.md "Training"), one panel or curve per
// (run, test-time evaluation), the run's units (its seeds) averaged:
//   vlm_niah_heatmap:  accuracy over haystack length (frames) x needle depth, as HoPE's and
//                      VideoRoPE's V-NIAH figures draw it;
//   vlm_niah_accuracy: accuracy against length (mean over depths), mean over seeds with bars of
//                      one standard error across seeds (the seed is the unit of replication),
//                      the longest training length marked.

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "kinds/vlm_niah.h"
#include "plot/figures.h"
#include "plot/heatmap.h"
#include "theory/binomial.h"

namespace hopelab::plot {

namespace {

namespace niah = kinds::vlm_niah;

// One (run, evaluation) series: per cell, the accuracy of each seed.
struct Series {
  std::string title;
  std::vector<double> frames, depth;           // (C)
  std::vector<std::vector<double>> accuracy;  // (seeds, C)
  std::vector<double> correct, examples;      // (C) right answers and examples, summed over seeds
  double chance = std::nan("");               // 1 / classes K
};

std::vector<Series> series_of(const std::vector<RunUnits>& runs) {
  std::vector<Series> out;
  for (const RunUnits& run : runs) {
    const results::RunRecord& first = *run.units.front();
    const std::vector<double> gamma = dataset_numbers(first, niah::kEvalGamma.name);
    const std::vector<double> frames = dataset_numbers(first, niah::kFrames.name);
    const bool several = gamma.size() > 1;  // name the evaluation only where a run has several
    for (std::size_t g = 0; g < gamma.size(); ++g) {
      Series s;
      s.title = run.run + (several ? ", γ = " + format_number(gamma[g]) : "");
      s.frames = frames;
      s.depth = dataset_numbers(first, niah::kDepth.name);
      for (const results::RunRecord* r : run.units) {
        const std::vector<double> a = dataset_numbers(*r, niah::kAccuracy.name);
        if (a.size() != gamma.size() * frames.size()) continue;  // another grid: left out
        s.accuracy.emplace_back(a.begin() + static_cast<std::ptrdiff_t>(g * frames.size()),
                                a.begin() + static_cast<std::ptrdiff_t>((g + 1) * frames.size()));
        const std::vector<double> correct = dataset_numbers(*r, niah::kCorrect.name);
        const double examples = number_attribute(*r, "examples", std::nan(""));
        s.correct.resize(frames.size(), 0.0);
        s.examples.resize(frames.size(), 0.0);
        for (std::size_t c = 0; c < frames.size(); ++c) {  // NaN (no interval) when a count is missing
          const std::size_t k = g * frames.size() + c;
          s.correct[c] += k < correct.size() ? correct[k] : std::nan("");
          s.examples[c] += examples;
        }
        const double classes = number_attribute(*r, "classes", std::nan(""));
        if (classes >= 2) s.chance = 1.0 / classes;
      }
      if (!s.accuracy.empty()) out.push_back(std::move(s));
    }
  }
  return out;
}

double mean(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return v.empty() ? std::nan("") : sum / static_cast<double>(v.size());
}

// The standard error of the mean of v (0 for one value).
double standard_error(const std::vector<double>& v) {
  if (v.size() < 2) return 0.0;
  const double m = mean(v);
  double ss = 0;
  for (double x : v) ss += (x - m) * (x - m);
  return std::sqrt(ss / static_cast<double>(v.size() - 1) / static_cast<double>(v.size()));
}

std::vector<double> distinct(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

Figure heatmap(const std::vector<Series>& series) {
  const std::vector<double> frames = distinct(series.front().frames), depths = distinct(series.front().depth);
  Figure fig;
  fig.name = "vlm_niah_heatmap";
  fig.description = "V-NIAH accuracy over haystack length and needle depth, mean over seeds (vlm-niah)";
  std::ostringstream data;
  data << "# columns: frame_index [1]  depth_index [1]  frames [frame]  depth [1]  accuracy [1]  seeds [1]  "
          "wilson_low [1]  wilson_high [1]  chance [1]\n"
       << "# accuracy: mean over the run's seeds of the fraction answered right\n"
       << "# wilson_low, wilson_high: Wilson 95 % interval of the right answers pooled over the seeds\n"
       << "# (binomial sampling only, not the spread between seeds); chance: 1 / classes\n"
       << "# one block per (run, evaluation) (gnuplot: index i), in the order of the panels\n";
  for (std::size_t s = 0; s < series.size(); ++s) {
    data << (s ? "\n\n" : "") << "# block " << s << ": " << series[s].title << "\n";
    for (std::size_t c = 0; c < series[s].frames.size(); ++c) {
      std::vector<double> per_seed;
      for (const std::vector<double>& a : series[s].accuracy) per_seed.push_back(a[c]);
      const auto i = std::find(frames.begin(), frames.end(), series[s].frames[c]) - frames.begin();
      const auto j = std::find(depths.begin(), depths.end(), series[s].depth[c]) - depths.begin();
      data << i << " " << j << " " << format_number(series[s].frames[c]) << " " << format_number(series[s].depth[c])
           << " " << format_number(mean(per_seed)) << " " << per_seed.size();
      ProportionInterval w{std::nan(""), std::nan("")};
      const double k = c < series[s].correct.size() ? series[s].correct[c] : std::nan("");
      const double n = c < series[s].examples.size() ? series[s].examples[c] : std::nan("");
      if (n >= 1 && n < 9e15 && k >= 0 && k <= n) w = wilson_interval(std::llround(k), std::llround(n));
      data << " " << format_number(w.low) << " " << format_number(w.high) << " " << format_number(series[s].chance)
           << "\n";
    }
  }
  fig.data = data.str();
  HeatmapLayout layout;
  layout.title = "V-NIAH accuracy (mean over seeds) by haystack length and needle depth";
  for (const Series& s : series) layout.panels.push_back(s.title);
  for (double f : frames) layout.x_ticks.push_back(format_number(f));
  for (double d : depths) layout.y_ticks.push_back(format_number(d));
  layout.x_label = "haystack length [frames]";
  layout.y_label = "needle depth";
  layout.value_label = "accuracy";
  layout.low_column = 7;
  layout.high_column = 8;
  std::string chance;
  for (const Series& s : series) {
    const std::string c = std::isnan(s.chance) ? "unknown" : format_number(std::round(s.chance * 1000) / 1000);
    if (chance.find(c) == std::string::npos) chance += (chance.empty() ? "" : ", ") + c;
  }
  if (chance.find(',') == std::string::npos && chance != "unknown") {
    layout.mark = series.front().chance;
    layout.mark_label = "chance";
  }
  layout.subtitle = "under each: Wilson 95 % interval (seeds pooled); chance 1/K = " + chance;
  draw_heatmaps(layout, &fig);
  return fig;
}

Figure accuracy_by_length(const std::vector<Series>& series, double train_max) {
  Figure fig;
  fig.name = "vlm_niah_accuracy";
  fig.description = "V-NIAH accuracy against haystack length, mean over depths and seeds (vlm-niah)";
  std::ostringstream data;
  data << "# columns: frames [frame]  accuracy [1]  standard_error [1]  seeds [1]\n"
       << "# accuracy: per seed the mean over depths, then the mean over seeds; standard_error across seeds\n"
       << "# one block per (run, evaluation) (gnuplot: index i)\n";
  for (std::size_t s = 0; s < series.size(); ++s) {
    data << (s ? "\n\n" : "") << "# block " << s << ": " << series[s].title << "\n";
    for (double f : distinct(series[s].frames)) {
      std::vector<double> per_seed;
      for (const std::vector<double>& a : series[s].accuracy) {
        std::vector<double> cells;
        for (std::size_t c = 0; c < a.size(); ++c) {
          if (series[s].frames[c] == f) cells.push_back(a[c]);
        }
        per_seed.push_back(mean(cells));
      }
      data << format_number(f) << " " << format_number(mean(per_seed)) << " "
           << format_number(standard_error(per_seed)) << " " << per_seed.size() << "\n";
    }
  }
  fig.data = data.str();
  fig.width = 1300;
  fig.height = 750;
  std::ostringstream g;
  g << "  set title " << gnuplot_string("V-NIAH accuracy against haystack length (mean over depths; bars: ±1 SE "
                                        "across seeds)") << " noenhanced\n"
    << "  set logscale x 2\n"
    << "  set offsets graph 0.03, graph 0.03, 0, 0\n"
    << "  set xlabel 'haystack length [frames]'\n"
    << "  set ylabel 'accuracy'\n"
    << "  set yrange [0:1.05]\n"
    << "  set rmargin at screen 0.70\n"
    << "  set key at screen 0.71, screen 0.92 left top Left reverse noenhanced\n";
  if (train_max > 0) {
    g << "  set arrow 1 from " << format_number(train_max) << ", graph 0 to " << format_number(train_max)
      << ", graph 1 nohead dt 2 lc rgb '#808080'\n"
      << "  set label 2 'longest training video' at " << format_number(train_max) << ", graph 0.04 right offset -0.5,0\n";
  }
  g << "  plot ";
  for (std::size_t s = 0; s < series.size(); ++s) {
    g << (s ? ", \\\n       " : "") << "data index " << s << " using 1:2:3 with yerrorlines ls " << curve_style(s)
      << " dt " << 1 + s / 8 << " lw 2 pt " << 5 + 2 * static_cast<int>(s % 4) << " title "
      << gnuplot_string(series[s].title);
  }
  g << "\n";
  fig.commands = g.str();
  return fig;
}

}  // namespace

std::vector<Figure> vlm_niah_figures(const results::ResultsFile& file) {
  const std::vector<RunUnits> runs = units_by_run(file.records, [](const results::RunRecord& r) {
    return text_attribute(r, "kind") == kinds::vlm_niah_kind().name() &&
           !dataset_numbers(r, niah::kAccuracy.name).empty();
  });
  const std::vector<Series> series = series_of(runs);
  if (series.empty()) return {};
  double train_max = 0;
  for (const RunUnits& run : runs) train_max = std::max(train_max, number_attribute(*run.units.front(), "train_max_frames", 0));
  return {heatmap(series), accuracy_by_length(series, train_max)};
}

}  // namespace hopelab::plot
