// base_bound: Men et al. (2024), "Base of RoPE Bounds Context Length" (arXiv 2405.14591): the
// smallest base b* with B(m) = sum_i cos(m theta_i) >= 0 for all m <= L, against L (log-log),
// with their Table 2 (d = 128), each entry marked when it is infeasible at the L it is drawn at
// (theory/base_bound.h: some m <= L has B(m) < 0), and the continuum bound b = L / 0.6165: for
// d -> infinity B(m) / (d/2) -> (Ci(m) - Ci(m/b)) / ln b, negative once m / b passes 0.6165,
// the first zero of the cosine integral Ci.

#include <algorithm>
#include <cmath>
#include <sstream>

#include "kinds/base_bound.h"
#include "plot/figures.h"
#include "theory/base_bound.h"

namespace hopelab::plot {

namespace {

struct Point {
  double length;
  double base;
};

// Men et al. (2024) Table 2, d = 128; "1k" placed at 1024 tokens, ..., "1M" at 2^20.
constexpr Point kTable2[] = {{1024, 4.3e3},   {2048, 1.6e4},   {4096, 2.7e4},   {8192, 8.4e4},
                             {16384, 3.1e5},  {32768, 6.4e5},  {65536, 2.1e6},  {131072, 7.8e6},
                             {262144, 3.6e7}, {524288, 6.4e7}, {1048576, 5.1e8}};
constexpr double kCiZero = 0.6165;  // the continuum bound b = L / 0.6165, 0.6165 the first zero of Ci
constexpr int kTable2HeadDim = 128;

}  // namespace

std::vector<Figure> base_bound_figures(const results::ResultsFile& file) {
  std::vector<Point> exact;
  std::vector<double> head_dims;
  for (const results::RunRecord& r : file.records) {
    if (text_attribute(r, "kind") != "base-bound") continue;
    const std::vector<double> base = dataset_numbers(r, kinds::base_bound::kBase.name);
    const double length = number_attribute(r, "context_length", std::nan(""));
    if (base.empty() || !(length > 0) || !(base[0] > 0)) continue;
    exact.push_back({length, base[0]});
    const double d = number_attribute(r, "head_dim", std::nan(""));
    if (std::find(head_dims.begin(), head_dims.end(), d) == head_dims.end()) head_dims.push_back(d);
  }
  if (exact.empty()) return {};
  std::sort(exact.begin(), exact.end(), [](const Point& a, const Point& b) { return a.length < b.length; });

  Figure f;
  f.name = "base_bound";
  f.description = "Minimal RoPE base b* vs context length L: exact (this file), Men et al. 2024 Table 2 (infeasible "
                  "entries marked), the continuum bound L/0.6165";
  std::ostringstream data;
  data << "# columns: context_length [token]  base [1] (smallest feasible RoPE base)\n"
       << "# block 0: exact b* of the base-bound units of this file (head_dim";
  for (double d : head_dims) data << " " << format_number(d);
  data << ")\n";
  for (const Point& p : exact) data << format_number(p.length) << " " << format_number(p.base) << "\n";
  data << "\n\n# block 1: Men et al. (2024) Table 2, d = 128 (1k read as 1024 tokens, ..., 1M as 2^20); third\n"
       << "# column feasible [1]: 1 when B(m) >= 0 for every m <= L at that base, 0 when some m <= L breaks it\n";
  std::size_t infeasible = 0;
  for (const Point& p : kTable2) {
    const bool ok = base_is_feasible(p.base, kTable2HeadDim, static_cast<std::int64_t>(p.length));
    infeasible += ok ? 0 : 1;
    data << format_number(p.length) << " " << format_number(p.base) << " " << (ok ? 1 : 0) << "\n";
  }
  f.data = data.str();

  const double lo = std::min(exact.front().length, kTable2[0].length) / 1.6;
  const double hi = std::max(exact.back().length, std::end(kTable2)[-1].length) * 1.6;
  std::string dims;
  for (double d : head_dims) dims += (dims.empty() ? "" : ", ") + format_number(d);
  std::ostringstream g;
  g << "  set title " << gnuplot_string("Minimal RoPE base vs context length (head dim d = " + dims + "); " +
                                       std::to_string(infeasible) + " of 11 Table 2 entries infeasible") << "\n"
    << "  set xlabel 'context length L [tokens]'\n"
    << "  set ylabel 'minimal base b* (dimensionless)'\n"
    << "  set logscale xy\n"
    << "  set format x '10^{%L}'\n"
    << "  set format y '10^{%L}'\n"
    << "  set xrange [" << format_number(lo) << ":" << format_number(hi) << "]\n"
    << "  set samples 200\n"
    << "  set key inside left top Left reverse\n"
    << "  plot x / " << kCiZero << " with lines ls 9 lw 2 dt 2 title "
    << gnuplot_string("continuum bound b = L / 0.6165 (d → ∞; Ci(0.6165) = 0)") << ", \\\n"
    << "       data index 1 using 1:($3 == 1 ? $2 : NaN) with points ls 6 pt 9 ps 1.8 title "
    << gnuplot_string("Men et al. 2024, Table 2 (d = 128): feasible at that L") << ", \\\n"
    << "       data index 1 using 1:($3 == 0 ? $2 : NaN) with points ls 6 pt 8 ps 2.2 lw 2 title "
    << gnuplot_string("Table 2 entry infeasible: B(m) < 0 for some m ≤ L") << ", \\\n"
    << "       data index 0 using 1:2 with linespoints ls 5 pt 7 ps 1.2 title 'exact b* (hopelab)'\n";
  f.commands = g.str();
  return {f};
}

}  // namespace hopelab::plot
