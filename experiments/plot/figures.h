#pragma once
// The figure families of `hopelab plot`, each made from the runs of a results file that it needs
// (docs/usage.md, "Figures"). A family returns no figure when its runs are absent.

#include <vector>

#include "plot/figure.h"
#include "results/results_file.h"

namespace hopelab::plot {

// preference_<run>: expected preference D vs distance for each `preference` and `mc-preference`
// run, one curve per setting (closed form as lines, Monte Carlo means with +-z SE bars), each
// marked at the theory's first violation with D at every integer around it and the lowest D so
// far; single-unit runs that differ only in the method share one figure,
// preference_<along>_<method>-vs-<method>.
std::vector<Figure> preference_figures(const results::ResultsFile& file);

// base_bound: exact minimal base b* of the `base-bound` units vs context length (log-log), with
// Men et al. (2024) Table 2 as points (open where infeasible at that L) and the continuum bound
// L / 0.6165 (d -> infinity).
std::vector<Figure> base_bound_figures(const results::ResultsFile& file);

// retrieval_<run>: hit rate of each `mc-retrieval` run over (frames, depth), a panel per method,
// each cell with its Wilson interval; the chance level 1/L in the subtitle.
std::vector<Figure> retrieval_figures(const results::ResultsFile& file);

// first_violation_<run>: first violating distance vs rotary base of each `first-violation` run
// sweeping 3 or more bases (log-log), a curve per other sweep point; never-violating units in a
// labelled strip above the plot.
std::vector<Figure> first_violation_figures(const results::ResultsFile& file);

// cosine_map_<run>: cos(Delta theta_i) of each `cosine-map` run, pairs x offsets, a panel per unit.
std::vector<Figure> cosine_map_figures(const results::ResultsFile& file);

// gamma_first_violation: first violating frame distance vs gamma of the `first-violation` runs
// along frames sweeping gamma; gamma_preference: D along frames per gamma of the `preference` and
// `mc-preference` runs along frames sweeping gamma.
std::vector<Figure> gamma_violation_figures(const results::ResultsFile& file);
std::vector<Figure> gamma_preference_figures(const results::ResultsFile& file);

// precision_z: |z| of every `mc-preference` unit vs distance (log-log) when the file has both
// fp32 and fp64 units, with the Sidak bound.
std::vector<Figure> precision_figures(const results::ResultsFile& file);
// phase_error_<run>: largest float32 phase error of each `phase-error` run vs offset (log-log).
std::vector<Figure> phase_error_figures(const results::ResultsFile& file);

// vlm_frame_match_<run>: each `vlm-frame-match` run, tied head 0 against frames apart: the
// model's ln(w_copy / w_self) beside its closed form (top), the temporal pairs' score (bottom).
std::vector<Figure> vlm_frame_match_figures(const results::ResultsFile& file);

// vlm_niah_heatmap and vlm_niah_accuracy: the `vlm-niah` runs, a panel or curve per (run,
// test-time evaluation), mean over the run's seeds (docs/vlm.md "Training").
std::vector<Figure> vlm_niah_figures(const results::ResultsFile& file);

// Line style of the i-th curve: the palette without yellow first (it is faint on white). For
// curves that are not methods; a method's style is method_style (plot/method_style.h).
int curve_style(std::size_t i);

}  // namespace hopelab::plot
