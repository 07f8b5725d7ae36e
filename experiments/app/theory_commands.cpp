#include "theory_commands.h"

#include <algorithm>
#include <iostream>

#include "kinds/allocation.h"
#include "kinds/base_bound.h"
#include "kinds/critical_length.h"
#include "kinds/first_violation.h"
#include "kinds/preference.h"
#include "output/cli_output.h"
#include "params/method.h"
#include "results/run_record.h"
#include "unit_command.h"

namespace hopelab::cli {

namespace {

// ---- theory allocation: a one-unit run of kind allocation -------------------------------------

void print_allocation(const batch::WorkUnit&, const results::RunRecord& r, std::ostream& out) {
  using namespace kinds::allocation;
  const std::vector<double> axis = results::dataset_numbers(r, kAxis.name);
  const std::vector<double> zero = results::dataset_numbers(r, kZeroFrequency.name);
  const std::vector<double> theta = results::dataset_numbers(r, kTheta.name);
  out << results::string_attribute(r, "method") << ": d = " << number_text(results::number_attribute(r, "head_dim", 0))
      << ", base = " << number_text(results::number_attribute(r, "base", 0)) << ", " << axis.size() << " pairs ("
      << results::string_attribute(r, "pair_layout") << " layout), design "
      << results::string_attribute(r, "position_design") << "\n";
  Table table({"axis", "pairs", "count", "rotating", "theta range"});
  std::vector<int> zero_pairs;
  for (size_t i = 0; i < zero.size(); ++i) {
    if (zero[i] == 1) zero_pairs.push_back(static_cast<int>(i));
  }
  for (Axis a : kAxes) {
    std::vector<int> on;
    int rotating = 0;
    double hi = 0, lo = 0;
    for (size_t i = 0; i < axis.size(); ++i) {
      if (axis[i] != static_cast<double>(a)) continue;
      on.push_back(static_cast<int>(i));
      if (zero[i] == 1) continue;
      hi = rotating ? std::max(hi, theta[i]) : theta[i];
      lo = rotating ? std::min(lo, theta[i]) : theta[i];
      ++rotating;
    }
    table.add_row({axis_name(a), index_ranges_text(on), std::to_string(on.size()), std::to_string(rotating),
                   rotating ? number_text(lo) + " .. " + number_text(hi) : "-"});
  }
  table.add_row({"zero", index_ranges_text(zero_pairs), std::to_string(zero_pairs.size()), "0", "0"});
  table.print(out);
}

void add_allocation(CLI::App& theory) {
  add_unit_subcommand(theory, "allocation", "which axis each rotary pair reads, and its zero pairs",
                      kinds::allocation_kind(), {print_allocation});
}

// ---- theory preference: a one-unit run of kind preference at one offset (offset3) ---------------

void print_preference(const batch::WorkUnit& unit, const results::RunRecord& r, std::ostream& out) {
  using namespace kinds::preference;
  const auto s = kinds::settings_as<kinds::PreferenceSettings>(*unit.settings);
  const std::vector<double> offset = results::dataset_numbers(r, kOffsets.name);  // (1, 3)
  const std::vector<double> by_axis = results::dataset_numbers(r, kByAxis.name);  // (1, 3)
  out << params::build_method(s.method).name << " at offset (" << number_text(offset[0]) << ", "
      << number_text(offset[1]) << ", " << number_text(offset[2]) << ")"
      << (s.scale.variances.empty() ? ", sigma = " + number_text(s.scale.sigma) : ", per-dimension variances")
      << "\n";
  Table table({"axis", "contribution"});
  for (Axis a : kAxes) table.add_row({axis_name(a), number_text(by_axis[static_cast<size_t>(a)])});
  table.add_row({"total", number_text(results::dataset_numbers(r, kValue.name).front())});
  table.print(out);
}

void add_preference(CLI::App& theory) {
  UnitCommandOptions options;
  options.print = print_preference;
  options.flag_names = {{"offset3", "--offset"}};
  options.skip = {"along", "offsets", "frames", "grid"};
  options.required = {"offset3"};
  add_unit_subcommand(theory, "preference", "closed-form expected preference 2 sigma^2 sum cos(phi_i) at an offset",
                      kinds::preference_kind(), options);
}

// ---- theory first-violation: a one-unit run of kind first-violation ---------------------------

void print_first_violation(const batch::WorkUnit&, const results::RunRecord& r, std::ostream& out) {
  using namespace kinds::first_violation;
  const std::string only = results::string_attribute(r, "only_axis");
  out << results::string_attribute(r, "method") << " along " << results::string_attribute(r, "along")
      << (only.empty() ? std::string() : ", axis " + only + " only") << ": ";
  const std::vector<double> m = results::dataset_numbers(r, kFirstViolation.name);
  if (!m.empty() && m.front() >= 1) {
    const std::vector<double> offset = results::dataset_numbers(r, kOffset.name);
    out << "first violation at distance " << number_text(m.front()) << " (offset " << number_text(offset[0]) << ","
        << number_text(offset[1]) << "," << number_text(offset[2]) << "; preference "
        << number_text(results::dataset_numbers(r, kValue.name).front()) << " at sigma = 1)\n";
  } else {
    out << results::string_attribute(r, "reason") << "\n";
  }
}

void add_first_violation(CLI::App& theory) {
  add_unit_subcommand(theory, "first-violation", "smallest distance with negative expected preference",
                      kinds::first_violation_kind(), {print_first_violation});
}

// ---- theory base-bound: a one-unit run of kind base-bound ------------------------------------

void print_base_bound(const batch::WorkUnit&, const results::RunRecord& r, std::ostream& out) {
  using namespace kinds::base_bound;
  const auto first = [&](const kinds::DatasetName& d) { return results::dataset_numbers(r, d.name).front(); };
  const std::string length = number_text(results::number_attribute(r, "context_length", 0));
  const double base = first(kBase), max_distance = first(kMaxDistance);
  if (first(kFeasibleAtSearchStart) == 1) {
    out << "every base searched is feasible for L = " << length << " (m in [0, " << number_text(max_distance)
        << "]): the minimal base is at most " << number_text(base) << "\n";
    return;
  }
  out << "minimal base for L = " << length << " (m in [0, " << number_text(max_distance)
      << "], d = " << number_text(results::number_attribute(r, "head_dim", 0)) << "): " << number_text(base)
      << "\n  (bases on the grid of ratio " << number_text(results::number_attribute(r, "grid_ratio", 0))
      << " below it are infeasible; refined bracket [" << number_text(first(kInfeasibleBelow)) << ", "
      << number_text(base) << "])\n";
  const std::vector<double> windows = results::dataset_numbers(r, kInfeasibleAbove.name);  // (K, 2)
  for (size_t k = 0; k + 1 < windows.size(); k += 2) {
    out << "  infeasible again above it: [" << number_text(windows[k]) << ", " << number_text(windows[k + 1])
        << "]\n";
  }
}

void add_base_bound(CLI::App& theory) {
  add_unit_subcommand(theory, "base-bound", "smallest RoPE base keeping sum_i cos(m theta_i) >= 0 for m <= L",
                      kinds::base_bound_kind(), {print_base_bound});
}

// ---- theory critical-length: a one-unit run of kind critical-length ---------------------------

void print_critical_length(const batch::WorkUnit&, const results::RunRecord& r, std::ostream& out) {
  using namespace kinds::critical_length;
  out << results::string_attribute(r, "method") << ": ";
  const std::vector<double> length = results::dataset_numbers(r, kCriticalLength.name);
  if (length.empty()) {
    out << "no critical length (" << results::string_attribute(r, "reason") << ")\n";
    return;
  }
  out << "critical length " << number_text(length.front()) << " temporal positions = "
      << number_text(results::dataset_numbers(r, kCriticalFrames.name).front()) << " frames at "
      << number_text(results::dataset_numbers(r, kFrameStep.name).front())
      << " per frame (theta_min = " << number_text(results::dataset_numbers(r, kThetaMin.name).front()) << ", pair "
      << number_text(results::dataset_numbers(r, kPair.name).front()) << ")\n";
}

void add_critical_length(CLI::App& theory) {
  add_unit_subcommand(theory, "critical-length", "HoPE Theorem 3.1: 1 + pi / (2 theta_min) of the temporal pairs",
                      kinds::critical_length_kind(), {print_critical_length});
}

}  // namespace

void add_theory_commands(CLI::App& app) {
  CLI::App* theory = app.add_subcommand("theory", "exact closed forms of the semantic preference property");
  theory->require_subcommand(1);
  add_allocation(*theory);
  add_preference(*theory);
  add_first_violation(*theory);
  add_base_bound(*theory);
  add_critical_length(*theory);
}

}  // namespace hopelab::cli
