#pragma once
// The figure families of `hopelab plot`, each made from the runs of a results file that it needs
// (docs/usage.md, "Figures"). A family returns no figure when its runs are absent.

#include <vector>

#include "plot/figure.h"
#include "results/results_file.h"

namespace hopelab::plot {

// preference_<run>: expected preference D vs distance for each `preference` and `mc-preference`
// run, one curve per unit (closed form as lines, Monte Carlo means with +-z SE bars).
std::vector<Figure> preference_figures(const results::ResultsFile& file);

// base_bound: exact minimal base b* of the `base-bound` units vs context length (log-log), with
// Men et al. (2024) Table 2 as points and the asymptote L / 0.6165.
std::vector<Figure> base_bound_figures(const results::ResultsFile& file);

// retrieval_<run>: hit rate of each `mc-retrieval` run over (frames, depth), a panel per method.
std::vector<Figure> retrieval_figures(const results::ResultsFile& file);

// Line style of the i-th curve: the palette without yellow first (it is faint on white).
int curve_style(std::size_t i);

}  // namespace hopelab::plot
