#include "bench_command.h"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "backend_option.h"
#include "bench_timing.h"
#include "cli_method_options.h"
#include "command_json.h"
#include "machine_load.h"
#include "output/cli_output.h"
#include "params/field_text.h"
#include "params/work_limit.h"
#include "sim/backend_registry.h"
#include "theory/input_error.h"
#include "theory/text_parse.h"

namespace hopelab::cli {

namespace {

struct BenchArgs {
  MethodArgs method;
  std::string samples = "100000";       // expected preference
  std::string offsets = "10000";
  std::string win_samples = "100000";   // win probability
  std::string win_offsets = "2000";
  std::string repeats = "3";
  std::string seed = "0";
  std::string max_work = params::number_name(params::kDefaultMaxWork);
  std::string backend = "auto";
  bool json = false;
};

// An integer flag read as every integer option and spec key is (params/field_text.h), in `range`.
std::int64_t integer_flag(const char* field, const std::string& text, params::Range range) {
  const params::Field f{field, "1", range, ""};
  std::int64_t value = 0;
  params::parse_field_text(f, text, value);
  params::check_range(f, static_cast<double>(value));
  return value;
}


// Text offsets 0, 100, 200, ...: the distances the NumPy baseline uses.
std::vector<Offset3> text_offsets(std::int64_t count) {
  std::vector<Offset3> out;
  for (std::int64_t j = 0; j < count; ++j) {
    const double m = 100.0 * static_cast<double>(j);
    out.push_back({m, m, m});
  }
  return out;
}

// The backend's FMA peak, with iterations doubled until one run lasts 0.2 s.
FmaRate calibrated_peak(const Engines& backend, bool single) {
  const auto measure = single ? backend.measure_fma_peak_float : backend.measure_fma_peak_double;
  for (std::int64_t iterations = 1 << 10;; iterations *= 2) {
    const FmaRate probe = measure(iterations, 1);
    if (probe.seconds > 0.2 || iterations > (std::int64_t{1} << 40)) return measure(iterations, 3);
  }
}

struct WinBench {
  const char* precision;  // of the phases and the product
  const char* normals;    // of the draws
  double total_seconds, draw_seconds, count_seconds, fma_per_second, peak, share;
};

// The win-probability configurations timed: float arithmetic with float normals (the fastest),
// then each precision with the double normals (the oracle).
struct WinConfig {
  PhasePrecision precision;
  NormalPrecision normals;
};
constexpr WinConfig kWinConfigs[] = {{PhasePrecision::fp32, NormalPrecision::fp32},
                                     {PhasePrecision::fp32, NormalPrecision::fp64},
                                     {PhasePrecision::fp64, NormalPrecision::fp64}};

void run_bench_mc(const BenchArgs& a, const CLI::App& cmd) {
  const Method method = build_method(a.method);
  // Offsets are held at once (24 bytes each): at most 10^7, as an offset grid's.
  const std::int64_t n = integer_flag("samples", a.samples, params::at_least(2));
  const std::int64_t m = integer_flag("offsets", a.offsets, params::closed(1, 1e7));
  const std::int64_t win_n = integer_flag("win_samples", a.win_samples, params::at_least(2));
  const std::int64_t win_m = integer_flag("win_offsets", a.win_offsets, params::closed(1, 1e7));
  const std::int64_t repeats = integer_flag("repeats", a.repeats, params::closed(1, 100));
  double max_work = 0.0;
  params::parse_field_text(params::Field{"max_work", "1", params::at_least(1), ""}, a.max_work, max_work);
  params::check_max_work(max_work, "max_work");
  const double pairs = static_cast<double>(method.spectrum.pairs());
  params::check_work(static_cast<double>(repeats) * (static_cast<double>(n) * static_cast<double>(m) +
                                                     3.0 * static_cast<double>(win_n) * static_cast<double>(win_m)) *
                         pairs,
                     max_work, "bench mc");
  PreferenceSampling cfg;
  cfg.seed = static_cast<std::uint64_t>(integer_flag("seed", a.seed, params::at_least(0)));
  cfg.samples = n;
  validate_sampling(method, cfg);
  PreferenceSampling win_cfg = cfg;
  win_cfg.samples = win_n;
  validate_sampling(method, win_cfg);
  const int d = method.spectrum.head_dim;
  const Engines& backend = use_backend_flag(a.backend);
  const MachineLoad load_before = machine_load();
  warn_if_loaded(load_before, "before the timings");

  // Expected preference: accumulate over N samples, then M offsets with standard errors.
  const std::vector<Offset3> offsets = text_offsets(m);
  std::vector<double> preference_seconds;
  for (std::int64_t r = 0; r < repeats; ++r) {
    preference_seconds.push_back(timed([&] {
      backend.estimate_preference(method, backend.accumulate_pair_products(method, cfg), offsets, PhasePrecision::fp64);
    }));
  }
  const double preference_median = median(preference_seconds);

  // Win probability: total, drawing, and the counting product alone.
  const std::vector<Offset3> win_offsets = text_offsets(win_m);
  const FmaRate peaks[2] = {calibrated_peak(backend, true), calibrated_peak(backend, false)};
  std::vector<WinBench> wins;
  for (const WinConfig& c : kWinConfigs) {
    std::vector<double> total, draw, count;
    PreferenceSampling drawn = win_cfg;
    drawn.normals = c.normals;
    for (std::int64_t r = 0; r < repeats; ++r) {
      WinTiming timing;
      total.push_back(
          timed([&] { backend.estimate_win_probability(method, drawn, win_offsets, c.precision, &timing); }));
      draw.push_back(timing.draw_seconds);
      count.push_back(timing.count_seconds);
    }
    const bool single = c.precision == PhasePrecision::fp32;
    const double fmas = static_cast<double>(win_n) * static_cast<double>(win_m) * d;
    const double rate = fmas / median(count);
    const double peak = peaks[single ? 0 : 1].fma_per_second;
    wins.push_back({single ? "fp32" : "fp64", c.normals == NormalPrecision::fp32 ? "fp32" : "fp64", median(total),
                    median(draw), median(count), rate, peak, rate / peak});
  }

  const double sample_offsets = static_cast<double>(n) * static_cast<double>(m);
  const MachineLoad load_after = machine_load();
  if (!load_before.loaded()) warn_if_loaded(load_after, "after the timings");
  if (a.json) {
    Json out{{"benchmark", "mc"}, {"backend", backend.name}, {"device", backend.describe_device().name},
             {"method", method.name}, {"head_dim", d},
             {"repeats", repeats}, {"statistic", "median"}};
    out["preference"] = Json{{"samples", n}, {"offsets", m}, {"seconds", preference_median},
                             {"sample_offsets_per_second", sample_offsets / preference_median}};
    Json rows = Json::array();
    for (const WinBench& w : wins) {
      // Each sample draws q, k and the noise: 3 d normals.
      rows.push_back(Json{{"precision", w.precision}, {"normals", w.normals}, {"samples", win_n}, {"offsets", win_m},
                          {"seconds", w.total_seconds}, {"draw_seconds", w.draw_seconds},
                          {"normals_per_second", 3.0 * d * static_cast<double>(win_n) / w.draw_seconds},
                          {"count_seconds", w.count_seconds},
                          {"fma_per_second", w.fma_per_second}, {"peak_fma_per_second", w.peak},
                          {"share_of_peak", w.share},
                          {"sample_offsets_per_second", static_cast<double>(win_n) * static_cast<double>(win_m) / w.total_seconds}});
    }
    out["win_probability"] = rows;
    out["machine"] = Json{{"cores", load_after.cores},
                          {"load_average_before", load_before.load_average},
                          {"load_average_after", load_after.load_average},
                          {"loaded", load_before.loaded() || load_after.loaded()}};
    out["peak"] = Json{{"fp32_fma_per_second", peaks[0].fma_per_second},
                       {"fp64_fma_per_second", peaks[1].fma_per_second}, {"work_items", peaks[0].work_items}};
    std::cout << command_json(cmd, out).dump() << '\n';
    return;
  }
  std::cout << "backend " << backend.name << " (" << backend.describe_device().name << "), " << method.name
            << ", d = " << d << ", medians of " << repeats
            << " runs\n";
  std::cout << "expected preference: N = " << n << ", M = " << m << ": " << compact_text(preference_median)
            << " s, " << compact_text(sample_offsets / preference_median) << " sample-offsets/s\n";
  Table table({"win probability", "normals", "N x M", "total s", "drawing s", "counting s", "FMA/s", "peak FMA/s",
               "share of peak"});
  for (const WinBench& w : wins) {
    table.add_row({w.precision, w.normals, std::to_string(win_n) + " x " + std::to_string(win_m),
                   compact_text(w.total_seconds), compact_text(w.draw_seconds), compact_text(w.count_seconds),
                   compact_text(w.fma_per_second), compact_text(w.peak), compact_text(w.share)});
  }
  table.print(std::cout);
}

}  // namespace

void add_bench_commands(CLI::App& app) {
  CLI::App* bench = app.add_subcommand("bench", "throughput of the engines on the chosen backend (--backend)");
  bench->require_subcommand(1);
  auto args = std::make_shared<BenchArgs>();
  args->method.method = "vanilla";
  CLI::App* cmd = bench->add_subcommand("mc", "Monte Carlo: expected-preference sweep and win-probability product");
  add_method_options(*cmd, args->method, false);
  cmd->add_option("--samples", args->samples, "expected preference: samples N")->capture_default_str();
  cmd->add_option("--offsets", args->offsets, "expected preference: offsets M (0, 100, 200, ...)")->capture_default_str();
  cmd->add_option("--win-samples", args->win_samples, "win probability: samples")->capture_default_str();
  cmd->add_option("--win-offsets", args->win_offsets, "win probability: offsets")->capture_default_str();
  cmd->add_option("--repeats", args->repeats, "timed runs per figure (the median is reported)")->capture_default_str();
  cmd->add_option("--seed", args->seed, "Philox seed")->capture_default_str();
  cmd->add_option("--max-work", args->max_work, "work limit in pair evaluations (docs/usage.md \"Work limit\")")
      ->capture_default_str();
  add_backend_option(*cmd, args->backend);
  cmd->add_flag("--json", args->json, "print one JSON object");
  cmd->callback([args, cmd] { run_bench_mc(*args, *cmd); });
}

}  // namespace hopelab::cli
