#include "mc_retrieval_command.h"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <memory>

#include "params/frame_grid.h"
#include "cli_mc_options.h"
#include "cli_method_options.h"
#include "output/cli_output.h"
#include "sim/preference_sweep.h"
#include "sim/retrieval.h"
#include "theory/input_error.h"
#include "theory/text_parse.h"

namespace hopelab::cli {

using params::FrameGrid;
using params::parse_frame_grid;

namespace {

struct McRetrievalArgs {
  MethodArgs method;
  std::string frames;          // "F" or "a:b:s"
  std::string grid;            // "HxW"
  std::string depth = "0.5";   // comma list
  std::string samples = "1000";
  std::string seed = "0";
  double sigma = 1.0, eps = 1.0;
  std::string similar_period;  // empty: no similar distractors
  std::string text_before = "16", text_after = "16";
  std::string needle_cell = "centre";
  std::string precision = "fp64";
  bool json = false;
};

// One (frames, depth) point of the grid and its estimate.
struct RetrievalPoint {
  RetrievalSetup setup;
  RetrievalEstimate estimate;
};

// Everything a run needs, parsed and validated before any sample is drawn.
struct RetrievalRun {
  Method method;
  PreferenceSampling cfg;
  PhasePrecision precision = PhasePrecision::fp64;
  std::vector<RetrievalPoint> points;
};

RetrievalRun prepare_run(const McRetrievalArgs& a) {
  RetrievalRun run{build_method(a.method), {}, parse_precision(a.precision), {}};
  run.cfg.seed = static_cast<std::uint64_t>(parse_nonnegative_integer(a.seed, "--seed"));
  run.cfg.samples = parse_nonnegative_integer(a.samples, "--samples");
  run.cfg.sigma = a.sigma;
  run.cfg.eps = a.eps;
  validate_sampling(run.method, run.cfg);

  RetrievalSetup base;
  const FrameGrid hw = parse_frame_grid(a.grid, "--grid");
  base.height = hw.height;
  base.width = hw.width;
  base.text_before = parse_nonnegative_integer(a.text_before, "--text-before");
  base.text_after = parse_nonnegative_integer(a.text_after, "--text-after");
  if (!a.similar_period.empty()) {
    base.similar_period = parse_nonnegative_integer(a.similar_period, "--similar-distractor-period");
    if (base.similar_period < 1) {
      throw InputError("--similar-distractor-period must be >= 1, got '" + a.similar_period + "'");
    }
  }
  const params::GridCell cell = params::parse_grid_cell(a.needle_cell, "--needle-cell");
  base.needle_row = cell.row;
  base.needle_col = cell.col;
  std::vector<double> depths;
  for (const std::string& d : split(a.depth, ',')) depths.push_back(parse_finite_number(d, "--depth"));
  for (std::int64_t frames : parse_stepped_range(a.frames, "--frames", 100'000, true)) {
    for (double depth : depths) {
      RetrievalPoint p{base, {}};
      p.setup.frames = frames;
      p.setup.depth = depth;
      validate_retrieval(p.setup);
      run.points.push_back(p);
    }
  }
  return run;
}

// fp32 phases: warn when an offset of the longest layout is beyond float's exact integers.
void warn_if_inexact_fp32(const RetrievalRun& run) {
  if (run.precision != PhasePrecision::fp32) return;
  const auto longest = std::max_element(run.points.begin(), run.points.end(), [](const auto& x, const auto& y) {
    return x.setup.frames < y.setup.frames;
  });
  const RetrievalGeometry g = retrieval_geometry(run.method, longest->setup);
  const Position3 query = g.positions.at(g.keys);
  std::vector<Offset3> offsets;
  for (std::int64_t j = 0; j < g.keys; ++j) offsets.push_back(query - g.positions.at(j));
  warn_inexact_float_offsets(largest_component(offsets));
}

void print_json(const RetrievalRun& run, const McRetrievalArgs& a) {
  const RetrievalSetup& s = run.points.front().setup;
  const bool similar = s.similar_period > 0;
  Json out{{"method", run.method.name}, {"design", design_name(run.method.design.kind)}, {"estimator", "retrieval"},
           {"seed", run.cfg.seed},
           {"samples", run.cfg.samples}, {"sigma", run.cfg.sigma}, {"eps", run.cfg.eps},
           {"precision", a.precision}, {"grid", {s.height, s.width}}, {"text_before", s.text_before},
           {"text_after", s.text_after}, {"needle_cell", a.needle_cell},
           {"similar_distractor_period", similar ? Json(s.similar_period) : Json(nullptr)},
           {"rng", "philox4x32-10"}, {"backend", backend_name()}};
  Json rows = Json::array();
  for (const RetrievalPoint& p : run.points) {
    const RetrievalEstimate& e = p.estimate;
    const bool any_similar = e.similar_distractors > 0;
    rows.push_back(Json{{"frames", p.setup.frames}, {"depth", p.setup.depth}, {"keys", e.keys},
                        {"needle_frame", e.needle_frame}, {"needle_cell", {e.needle_row, e.needle_col}},
                        {"needle_offset", {number_json(e.needle_offset.t), number_json(e.needle_offset.h),
                                           number_json(e.needle_offset.w)}},
                        {"mass", e.mass}, {"mass_standard_error", e.mass_standard_error},
                        {"hit_rate", e.hit_rate}, {"hit_standard_error", e.hit_standard_error},
                        {"similar_distractors", e.similar_distractors},
                        {"similar_hit_rate", any_similar ? Json(e.similar_hit_rate) : Json(nullptr)},
                        {"similar_hit_standard_error",
                         any_similar ? Json(e.similar_hit_standard_error) : Json(nullptr)},
                        {"n", number_json(e.n)}});
  }
  out["points"] = rows;
  std::cout << out.dump() << '\n';
}

void print_table(const RetrievalRun& run, const McRetrievalArgs& a) {
  const RetrievalSetup& s = run.points.front().setup;
  const bool similar = s.similar_period > 0;
  std::cout << run.method.name << " (" << design_name(run.method.design.kind)
            << " design): single-head retrieval, text:" << s.text_before << ",video:Fx" << s.height << "x"
            << s.width << ",text:" << s.text_after << ", needle cell " << a.needle_cell
            << (similar ? ", similar distractors every " + std::to_string(s.similar_period) + " frames" : "")
            << ", " << run.cfg.samples << " samples, seed " << run.cfg.seed << ", sigma " << number_text(run.cfg.sigma)
            << ", eps " << number_text(run.cfg.eps) << ", " << a.precision << " phases, backend " << backend_name()
            << "\n";
  std::vector<std::string> header = {"frames", "depth", "keys", "needle frame", "needle offset (t,h,w)",
                                     "mass", "SE", "hit rate", "SE"};
  if (similar) header.insert(header.end(), {"similar", "similar hit", "SE"});
  Table table(header);
  for (const RetrievalPoint& p : run.points) {
    const RetrievalEstimate& e = p.estimate;
    std::vector<std::string> row = {std::to_string(p.setup.frames), number_text(p.setup.depth),
                                    std::to_string(e.keys), std::to_string(e.needle_frame),
                                    offset_text(e.needle_offset), compact_text(e.mass),
                                    compact_text(e.mass_standard_error), compact_text(e.hit_rate),
                                    compact_text(e.hit_standard_error)};
    if (similar) {
      const bool any = e.similar_distractors > 0;
      row.insert(row.end(), {std::to_string(e.similar_distractors), any ? compact_text(e.similar_hit_rate) : "-",
                             any ? compact_text(e.similar_hit_standard_error) : "-"});
    }
    table.add_row(row);
  }
  table.print(std::cout);
}

void run_mc_retrieval(const McRetrievalArgs& a) {
  RetrievalRun run = prepare_run(a);
  warn_if_inexact_fp32(run);
  for (RetrievalPoint& p : run.points) p.estimate = estimate_retrieval(run.method, run.cfg, p.setup, run.precision);
  if (a.json) {
    print_json(run, a);
  } else {
    print_table(run, a);
  }
}

}  // namespace

void add_mc_retrieval_command(CLI::App& mc) {
  auto a = std::make_shared<McRetrievalArgs>();
  CLI::App* cmd = mc.add_subcommand(
      "retrieval", "single-head needle retrieval: softmax mass and top-1 hit of a needle among L keys");
  add_method_options(*cmd, a->method);
  cmd->add_option("--frames", a->frames, "video frames F, or a range a:b:s (one row per count)")->required();
  cmd->add_option("--grid", a->grid, "frame grid HxW in LLM tokens")->required();
  cmd->add_option("--depth", a->depth, "needle depths in [0, 1], comma-separated: frame round(depth (F - 1))")
      ->capture_default_str();
  cmd->add_option("--needle-cell", a->needle_cell, "needle's cell ROW,COL, or centre (H/2, W/2)")
      ->capture_default_str();
  cmd->add_option("--samples", a->samples, "samples N")->capture_default_str();
  cmd->add_option("--seed", a->seed, "Philox seed")->capture_default_str();
  cmd->add_option("--sigma", a->sigma, "standard deviation of q and k components")->capture_default_str();
  cmd->add_option("--eps", a->eps, "needle k* - q in units of sigma")->capture_default_str();
  cmd->add_option("--similar-distractor-period", a->similar_period,
                  "P: the needle's cell every P frames holds a similar key q + eps sigma xi' (V-NIAH-D)");
  cmd->add_option("--text-before", a->text_before, "text tokens before the video")->capture_default_str();
  cmd->add_option("--text-after", a->text_after, "text tokens after the video (the query is the last)")
      ->capture_default_str();
  cmd->add_option("--precision", a->precision, "rotation phases in fp64 or fp32")->capture_default_str();
  cmd->add_flag("--json", a->json, "print one JSON object");
  cmd->callback([a] { run_mc_retrieval(*a); });
}

}  // namespace hopelab::cli
