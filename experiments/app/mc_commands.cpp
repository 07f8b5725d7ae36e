#include "mc_commands.h"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "params/offsets.h"
#include "cli_mc_options.h"
#include "cli_method_options.h"
#include "output/cli_output.h"
#include "results/empirical_pool.h"
#include "sim/preference_estimator.h"
#include "sim/preference_sweep.h"
#include "sim/win_probability.h"
#include "theory/input_error.h"
#include "theory/text_parse.h"

namespace hopelab::cli {

namespace {

struct McPreferenceArgs {
  MethodArgs method;
  std::string offsets = "0:100000:1000";
  std::string offset3;
  std::string along = "text";
  std::string frames = "0:1000:10";
  std::string grid = "12x12";
  std::string samples = "100000";
  std::string seed = "0";
  double sigma = 1.0, mu = 0.0, eps = 1.0;
  std::string dist = "gaussian";
  std::string variances;
  std::string precision = "fp64";
  bool json = false;
  // Flags the empirical law refuses when given (their values would be ignored).
  const CLI::Option* sigma_option = nullptr;
  const CLI::Option* mu_option = nullptr;
  const CLI::Option* variances_option = nullptr;
};

// "gaussian", "student-t:NU" or "empirical:..." (whose pools prepare_run reads).
void parse_distribution(const std::string& text, PreferenceSampling& cfg) {
  if (text == "gaussian") {
    cfg.law = ComponentLaw::gaussian;
    return;
  }
  if (is_empirical_spec(text)) {
    cfg.law = ComponentLaw::empirical;
    return;
  }
  const std::string prefix = "student-t:";
  if (text.rfind(prefix, 0) != 0) {
    throw InputError("--dist must be gaussian, student-t:NU or empirical:FILE.h5:/dataset, got '" + text + "'");
  }
  cfg.law = ComponentLaw::student_t;
  cfg.nu = parse_finite_number(text.substr(prefix.size()), "--dist student-t degrees of freedom");
}

// The offsets a run asks for, and the distance label of each (m, or frames apart).
using params::OffsetGrid;

// The offsets of a run: one explicit 3D offset (--offset3, distance NaN), else the grid a spec's
// offsets fields give (params/offsets.h), up to 10^7 offsets.
OffsetGrid offset_grid(const McPreferenceArgs& a, const Method& method) {
  if (a.offset3.empty()) {
    params::OffsetParams p;
    p.along = a.along;
    p.offsets = a.offsets;
    p.frames = a.frames;
    p.grid = a.grid;
    return params::offset_grid(p, method, 10'000'000);
  }
  const std::vector<std::string> parts = split(a.offset3, ',');
  if (parts.size() != 3) throw InputError("--offset3 must be DT,DH,DW, got '" + a.offset3 + "'");
  OffsetGrid grid;
  grid.offsets.push_back({parse_finite_number(parts[0], "--offset3 dt"), parse_finite_number(parts[1], "--offset3 dh"),
                          parse_finite_number(parts[2], "--offset3 dw")});
  grid.distance.push_back(std::nan(""));
  return grid;
}

// Where an empirical pool came from: enough for a result to name its input.
struct PoolProvenance {
  std::string dataset;
  std::int64_t rows = 0;
  std::string checksum;  // pool_checksum of the values as read
};

// Everything a Monte Carlo command needs, parsed and validated from its flags.
struct McRun {
  Method method;
  OffsetGrid grid;
  PreferenceSampling cfg;
  std::vector<double> variances;  // (d) as given, for the closed form (scales are their roots); empty
                                  // for the empirical law
  PhasePrecision precision = PhasePrecision::fp64;
  std::string pool_file;               // empirical law only
  std::vector<PoolProvenance> pools;   // empirical law: queries, then keys when given
};

// The empirical law's pools into run.cfg (queries, then keys), with their provenance. Throws
// InputError for --sigma / --mu / --variances beside it, a bad spec or a bad file.
void load_pools(const McPreferenceArgs& a, McRun& run) {
  for (const CLI::Option* given : {a.sigma_option, a.mu_option, a.variances_option}) {
    if (given != nullptr && given->count() > 0) {
      throw InputError(given->get_name() + " cannot be combined with --dist empirical: the pool sets the means and "
                       "scales ('" + a.dist + "')");
    }
  }
  const EmpiricalSpec spec = parse_empirical_spec(a.dist);
  run.pool_file = spec.file;
  for (size_t k = 0; k < spec.datasets.size(); ++k) {
    EmpiricalPool pool = read_empirical_pool(spec.file, spec.datasets[k], run.method.spectrum.head_dim);
    run.pools.push_back({pool.dataset, pool.rows, pool_checksum(pool.values)});
    (k == 0 ? run.cfg.query_pool : run.cfg.key_pool) = std::move(pool.values);
  }
}

McRun prepare_run(const McPreferenceArgs& a) {
  McRun run{build_method(a.method), {}, {}, {}, parse_precision(a.precision), {}, {}};
  run.grid = offset_grid(a, run.method);
  PreferenceSampling& cfg = run.cfg;
  cfg.seed = static_cast<std::uint64_t>(parse_nonnegative_integer(a.seed, "--seed"));
  cfg.samples = parse_nonnegative_integer(a.samples, "--samples");
  cfg.sigma = a.sigma;
  cfg.mu = a.mu;
  cfg.eps = a.eps;
  parse_distribution(a.dist, cfg);
  const int d = run.method.spectrum.head_dim;
  if (cfg.law == ComponentLaw::empirical) {
    load_pools(a, run);  // the closed form comes from the pools (closed_form)
  } else if (!a.variances.empty()) {
    for (const std::string& v : split(a.variances, ',')) {
      run.variances.push_back(parse_finite_number(v, "variance"));
      if (run.variances.back() < 0.0) throw InputError("variances must be >= 0, got '" + v + "'");
      cfg.scales.push_back(std::sqrt(run.variances.back()));
    }
    if (static_cast<int>(run.variances.size()) != d) {
      throw InputError("--variances needs d = " + std::to_string(d) + " values, got " +
                       std::to_string(run.variances.size()) + " in '" + a.variances + "'");
    }
  } else {
    run.variances = component_variances(cfg, d);
  }
  if (run.precision == PhasePrecision::fp32) warn_inexact_float_offsets(largest_component(run.grid.offsets));
  return run;
}

// The empirical law's input: file, and per pool its dataset, rows and checksum; null otherwise.
Json pools_json(const McRun& run) {
  if (run.pools.empty()) return Json(nullptr);
  const auto pool = [&](size_t k) {
    if (k >= run.pools.size()) return Json(nullptr);
    return Json{{"dataset", run.pools[k].dataset}, {"rows", run.pools[k].rows}, {"checksum", run.pools[k].checksum}};
  };
  return Json{{"file", run.pool_file}, {"queries", pool(0)}, {"keys", pool(1)}};
}

// The run's settings and provenance, shared by every Monte Carlo JSON answer. The empirical law
// has no sigma or mu (null): its pools set them.
Json run_json(const McRun& run, const McPreferenceArgs& a, const char* estimator) {
  const bool empirical = run.cfg.law == ComponentLaw::empirical;
  return Json{{"method", run.method.name}, {"estimator", estimator}, {"seed", run.cfg.seed},
              {"samples", run.cfg.samples}, {"sigma", empirical ? Json(nullptr) : Json(run.cfg.sigma)},
              {"mu", empirical ? Json(nullptr) : Json(run.cfg.mu)}, {"eps", run.cfg.eps},
              {"dist", a.dist}, {"empirical", pools_json(run)}, {"precision", a.precision},
              {"variances", a.variances.empty() ? Json(nullptr) : Json(run.variances)},
              {"rng", "philox4x32-10"}, {"backend", backend_name()}};
}

Json offset_json(const McRun& run, size_t j) {
  const Offset3& o = run.grid.offsets[j];
  return Json{{"offset", {number_json(o.t), number_json(o.h), number_json(o.w)}},
              {"distance", std::isnan(run.grid.distance[j]) ? Json(nullptr) : number_json(run.grid.distance[j])}};
}

// What sets the components' scale: sigma, the per-dimension variances, or the pools.
std::string scale_text(const McRun& run) {
  if (run.pools.empty()) {
    return run.cfg.scales.empty() ? "sigma " + number_text(run.cfg.sigma) : "per-dimension variances";
  }
  std::string text;
  for (size_t k = 0; k < run.pools.size(); ++k) {
    text += std::string(k ? ", " : "") + (k ? "keys " : "queries ") + std::to_string(run.pools[k].rows) +
            " rows (" + run.pools[k].checksum + ")";
  }
  return text;
}

void print_run_header(const McRun& run, const McPreferenceArgs& a, const char* what) {
  std::cout << run.method.name << ": Monte Carlo " << what << ", " << run.cfg.samples << " samples, seed "
            << run.cfg.seed << ", " << a.dist << ", " << scale_text(run) << ", " << a.precision
            << " phases, backend " << backend_name() << "\n";
}

// The closed-form expected preference at every offset of the run (exact phases). The empirical
// law's has sin terms when its query and key pools differ in mean: E[x] . w(Delta).
std::vector<double> closed_form(const McRun& run) {
  if (run.cfg.law == ComponentLaw::empirical) {
    return preference_from_pair_products(run.method, expected_pair_products(run.method, run.cfg), run.grid.offsets);
  }
  return preference_sweep(run.method, run.grid.offsets, pair_weights(run.method, run.variances));
}

// One JSON object: the run's settings and, under "points", one row per offset with its
// offset_json and the fields `fill(row, j)` adds.
template <class Fill>
void print_points_json(const McRun& run, const McPreferenceArgs& a, const char* estimator, Fill&& fill) {
  Json out = run_json(run, a, estimator);
  Json rows = Json::array();
  for (size_t j = 0; j < run.grid.offsets.size(); ++j) {
    Json row = offset_json(run, j);
    fill(row, j);
    rows.push_back(row);
  }
  out["points"] = rows;
  std::cout << out.dump() << '\n';
}

void run_mc_preference(const McPreferenceArgs& a) {
  const McRun run = prepare_run(a);
  const std::vector<PreferenceEstimate> mc =
      estimate_preference(run.method, accumulate_pair_products(run.method, run.cfg), run.grid.offsets, run.precision);
  const std::vector<double> theory = closed_form(run);
  const auto z_score = [&](size_t j) {
    return mc[j].standard_error > 0 ? (mc[j].mean - theory[j]) / mc[j].standard_error : 0.0;
  };
  if (a.json) {
    print_points_json(run, a, "expected-preference", [&](Json& row, size_t j) {
      row["mean"] = mc[j].mean;
      row["standard_error"] = mc[j].standard_error;
      row["n"] = number_json(mc[j].n);
      row["theory"] = theory[j];
      row["z"] = z_score(j);
    });
    return;
  }
  print_run_header(run, a, "expected preference");
  Table table({"offset (t,h,w)", "MC mean", "SE", "theory", "z"});
  for (size_t j = 0; j < mc.size(); ++j) {
    table.add_row({offset_text(run.grid.offsets[j]), compact_text(mc[j].mean), compact_text(mc[j].standard_error),
                   compact_text(theory[j]), compact_text(z_score(j))});
  }
  table.print(std::cout);
}

void run_mc_win_prob(const McPreferenceArgs& a) {
  const McRun run = prepare_run(a);
  const std::vector<WinEstimate> mc = estimate_win_probability(run.method, run.cfg, run.grid.offsets, run.precision);
  // The expected preference beside it: no closed form exists for the win probability.
  const std::vector<double> theory = closed_form(run);
  if (a.json) {
    print_points_json(run, a, "win-probability", [&](Json& row, size_t j) {
      row["probability"] = mc[j].probability;
      row["standard_error"] = mc[j].standard_error;
      row["n"] = number_json(mc[j].n);
      row["expected_preference"] = theory[j];
    });
    return;
  }
  print_run_header(run, a, "win probability P[q R k* > q R k]");
  Table table({"offset (t,h,w)", "P(win)", "SE", "expected preference (theory)"});
  for (size_t j = 0; j < mc.size(); ++j) {
    table.add_row({offset_text(run.grid.offsets[j]), compact_text(mc[j].probability),
                   compact_text(mc[j].standard_error), compact_text(theory[j])});
  }
  table.print(std::cout);
}

// The flags shared by every Monte Carlo command.
void add_mc_options(CLI::App& cmd, McPreferenceArgs& a) {
  add_method_options(cmd, a.method);
  cmd.add_option("--offsets", a.offsets, "text distances a:b:s (offset m,m,m)")->capture_default_str();
  cmd.add_option("--offset3", a.offset3, "one 3D offset DT,DH,DW instead");
  cmd.add_option("--along", a.along, "text, or frames (same cell, --frames apart)")->capture_default_str();
  cmd.add_option("--frames", a.frames, "frame distances a:b:s for --along frames")->capture_default_str();
  cmd.add_option("--grid", a.grid, "frame grid HxW in LLM tokens")->capture_default_str();
  cmd.add_option("--samples", a.samples, "samples N")->capture_default_str();
  cmd.add_option("--seed", a.seed, "Philox seed")->capture_default_str();
  a.sigma_option =
      cmd.add_option("--sigma", a.sigma, "standard deviation of q and k components")->capture_default_str();
  a.mu_option = cmd.add_option("--mu", a.mu, "common mean of q and k components")->capture_default_str();
  cmd.add_option("--eps", a.eps, "k* - q in units of each component's scale")->capture_default_str();
  cmd.add_option("--dist", a.dist,
                 "component law: gaussian, student-t:NU (unit variance, NU > 2), or empirical:FILE.h5:/dataset "
                 "(q, k uniform rows of an (n, d) float32/64 pool; empirical:FILE.h5:/queries:/keys for two)")
      ->capture_default_str();
  a.variances_option =
      cmd.add_option("--variances", a.variances, "per-dimension variances, d comma-separated values (replaces --sigma)");
  cmd.add_option("--precision", a.precision,
                 "fp64 or fp32: rotation phases (preference); phases and score sums (win-prob). Theory stays exact")
      ->capture_default_str();
  cmd.add_flag("--json", a.json, "print one JSON object");
}

}  // namespace

void add_mc_commands(CLI::App& app) {
  CLI::App* mc = app.add_subcommand("mc", "Monte Carlo estimates of random query/key vectors, beside the theory");
  mc->require_subcommand(1);
  auto preference = std::make_shared<McPreferenceArgs>();
  CLI::App* cmd = mc->add_subcommand("preference", "expected preference E[q R k*] - E[q R k] by sufficient statistics");
  add_mc_options(*cmd, *preference);
  cmd->callback([preference] { run_mc_preference(*preference); });

  auto win = std::make_shared<McPreferenceArgs>();
  win->samples = "20000";
  cmd = mc->add_subcommand("win-prob", "win probability P[q R k* > q R k], per sample and offset");
  add_mc_options(*cmd, *win);
  cmd->callback([win] { run_mc_win_prob(*win); });
}

}  // namespace hopelab::cli
