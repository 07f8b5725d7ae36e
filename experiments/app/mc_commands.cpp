#include "mc_commands.h"

#include <ostream>
#include <string>
#include <vector>

#include "cli_mc_options.h"
#include "kinds/mc_preference.h"
#include "kinds/mc_win_prob.h"
#include "kinds/preference.h"
#include "output/cli_output.h"
#include "params/method.h"
#include "params/distances.h"
#include "params/sampling.h"
#include "record_output.h"
#include "sim/backend_registry.h"
#include "unit_command.h"

namespace hopelab::cli {

namespace {

// The offsets (M, 3) of a record that evaluated an offset grid (kinds::append_offset_datasets).
std::vector<Offset3> record_offsets(const results::RunRecord& r) {
  const std::vector<double> flat = results::dataset_numbers(r, kinds::preference::kOffsets.name);
  std::vector<Offset3> offsets;
  for (size_t k = 0; k + 2 < flat.size(); k += 3) offsets.push_back({flat[k], flat[k + 1], flat[k + 2]});
  return offsets;
}

// What sets the components' scale: sigma, the per-dimension variances, or the pools (the
// empirical law's attributes: rows and checksum of each).
std::string scale_text(const params::SamplingParams& s, const results::RunRecord& r) {
  if (!params::is_empirical_spec(s.dist)) {
    return s.scale.variances.empty() ? "sigma " + number_text(s.scale.sigma) : "per-dimension variances";
  }
  std::string text;
  for (const char* role : {"query", "key"}) {
    const std::string rows = std::string(role) + "_pool_rows";
    if (results::number_attribute(r, rows, -1) < 0) continue;
    text += std::string(text.empty() ? "" : ", ") + (role == std::string("query") ? "queries " : "keys ") +
            std::to_string(static_cast<std::int64_t>(results::number_attribute(r, rows, 0))) + " rows (" +
            results::string_attribute(r, std::string(role) + "_pool_checksum") + ")";
  }
  return text;
}

// "mrope: Monte Carlo expected preference, 20000 samples, seed 0, gaussian, sigma 1, fp64 phases,
// backend cpu-omp"
template <class S>
void print_header(const batch::WorkUnit& unit, const results::RunRecord& r, const char* what, std::ostream& out) {
  const auto s = kinds::settings_as<S>(*unit.settings);
  out << params::build_method(s.method).name << ": Monte Carlo " << what << ", " << s.sampling.samples
      << " samples, seed " << unit.seed << ", " << s.sampling.dist << ", " << scale_text(s.sampling, r) << ", "
      << s.sampling.precision << " phases" << (s.sampling.normals == "fp32" ? ", fp32 normals" : "") << ", backend "
      << current_backend().name << "\n";
}

void print_mc_preference(const batch::WorkUnit& unit, const results::RunRecord& r, std::ostream& out) {
  using namespace kinds::mc_preference;
  print_header<kinds::McPreferenceSettings>(unit, r, "expected preference", out);
  const std::vector<Offset3> offsets = record_offsets(r);
  const std::vector<double> mean = results::dataset_numbers(r, kMean.name),
                            se = results::dataset_numbers(r, kStandardError.name),
                            theory = results::dataset_numbers(r, kTheory.name),
                            z = results::dataset_numbers(r, kZ.name);
  Table table({"offset (t,h,w)", "MC mean", "SE", "theory", "z"});
  for (size_t j = 0; j < offsets.size(); ++j) {
    table.add_row({offset_text(offsets[j]), compact_text(mean[j]), compact_text(se[j]), compact_text(theory[j]),
                   compact_text(z[j])});
  }
  table.print(out);
}

void print_mc_win_prob(const batch::WorkUnit& unit, const results::RunRecord& r, std::ostream& out) {
  using namespace kinds::mc_win_prob;
  print_header<kinds::McWinProbSettings>(unit, r, "win probability P[q R k* > q R k]", out);
  const std::vector<Offset3> offsets = record_offsets(r);
  const std::vector<double> probability = results::dataset_numbers(r, kProbability.name),
                            n = results::dataset_numbers(r, kN.name),
                            theory = results::dataset_numbers(r, kExpectedPreference.name);
  Table table({"offset (t,h,w)", "P(win)", "95% Wilson", "expected preference (theory)"});
  for (size_t j = 0; j < offsets.size(); ++j) {
    table.add_row({offset_text(offsets[j]), compact_text(probability[j]), wilson_text(probability[j], n[j]),
                   compact_text(theory[j])});
  }
  table.print(out);
}

// fp32 phases: warns when an offset is beyond float's exact integers.
void warn_if_inexact_fp32(const batch::WorkUnit& unit, const results::RunRecord& r) {
  const auto sampling = kinds::settings_as<params::SamplingParams>(*unit.settings);
  if (params::parse_precision(sampling.precision) == PhasePrecision::fp32) {
    warn_inexact_float_offsets(largest_component(record_offsets(r)));
  }
}

}  // namespace

void add_mc_commands(CLI::App& app) {
  CLI::App* mc = app.add_subcommand("mc", "Monte Carlo estimates of random query/key vectors, beside the theory");
  mc->require_subcommand(1);
  UnitCommandOptions options;
  options.after_compute = warn_if_inexact_fp32;
  options.print = print_mc_preference;
  add_unit_subcommand(*mc, "preference", "expected preference E[q R k*] - E[q R k] by sufficient statistics",
                      kinds::mc_preference_kind(), options);
  options.print = print_mc_win_prob;
  add_unit_subcommand(*mc, "win-prob", "win probability P[q R k* > q R k], per sample and offset",
                      kinds::mc_win_prob_kind(), options);
}

}  // namespace hopelab::cli
