#include "theory_report.h"

#include <iostream>
#include <memory>
#include <sstream>
#include <vector>

#include "cli_method_options.h"
#include "command_json.h"
#include "output/cli_output.h"
#include "theory/critical_length.h"
#include "theory/first_violation.h"
#include "theory/sign_flip.h"
#include "theory/text_parse.h"

namespace hopelab::cli {

namespace {

std::string violation_text(const FirstViolation& v) {
  if (v.distance) return std::to_string(*v.distance);
  return v.proven_never ? "never (proven)" : "none <= limit";
}

std::string allocation_text(const FrequencyAllocation& a) {
  std::string text;
  for (Axis axis : kAxes) {
    text += std::string(text.empty() ? "" : " ") + axis_name(axis) + ":" + index_ranges_text(a.pairs_on(axis));
  }
  const std::vector<int> zero = a.zero_pairs();
  if (!zero.empty()) text += " zero:" + index_ranges_text(zero);
  return text;
}

// One method's row of the report: its allocation, first violations and critical length.
struct MethodRow {
  std::string name;
  Method method;
  FirstViolation text, frames, frames_t;
  CriticalLength critical;
};

// Lemma A.1: for dt uniform on {0..L-1}, P[cos(theta_min dt) < 0] of each method's smallest
// non-zero temporal frequency, at two context lengths.
constexpr std::int64_t kLemmaLengths[] = {32768, 1048576};

// Every method but custom at the settings of `base_args`.
std::vector<MethodRow> compute_rows(const MethodArgs& base_args, std::int64_t limit) {
  std::vector<MethodRow> rows;
  for (const std::string& name : method_names()) {
    if (name == "custom") continue;
    MethodArgs args = base_args;
    args.method = name;
    const Method m = build_method(args);
    ViolationQuery q;
    q.limit = limit;
    const FirstViolation text = first_violation(m, q);
    q.direction = Direction::frames;
    const FirstViolation frames = first_violation(m, q);
    q.only_axis = Axis::t;
    rows.push_back({name, m, text, frames, first_violation(m, q), critical_length(m)});
  }
  return rows;
}

void print_lemma_a1(const std::vector<MethodRow>& rows, std::ostream& out) {
  out << "\nLemma A.1: P[cos(theta_min dt) < 0], dt uniform on {0..L-1} (zero below theta = pi/(2(L-1)): "
            << compact_text(sign_flip_threshold(kLemmaLengths[0])) << " at L = 32k)\n";
  Table table({"method", "theta_min", "L = 32k", "L = 1M"});
  for (const MethodRow& r : rows) {
    const CriticalLength& c = r.critical;
    if (!c.length) {
      table.add_row({r.name, "none", "0", "0"});
      continue;
    }
    table.add_row({r.name, compact_text(c.theta_min), compact_text(sign_flip_probability(c.theta_min, kLemmaLengths[0])),
                   compact_text(sign_flip_probability(c.theta_min, kLemmaLengths[1]))});
  }
  table.print(out);
}

// The whole report into `out`; the caller prints it only once every method was computed, so a
// bad value gives its error line alone.
void print_report(const MethodArgs& base_args, std::int64_t limit, const std::vector<MethodRow>& rows,
                  std::ostream& out) {
  out << "hopelab theory report: d = " << base_args.head_dim << ", base = " << number_text(base_args.base)
            << ", frames grid 12x12, first violations scanned to " << limit << "\n\n";
  Table table({"method", "allocation (pair indices)", "design", "1st viol. text", "1st viol. frames",
               "t-pairs only, frames", "critical length (pos.)", "(frames)"});
  for (const MethodRow& r : rows) {
    const CriticalLength& c = r.critical;
    table.add_row({r.name, allocation_text(r.method.allocation), design_name(r.method.design.kind),
                   violation_text(r.text), violation_text(r.frames), violation_text(r.frames_t),
                   c.length ? compact_text(*c.length) : "none", c.frames ? compact_text(*c.frames) : "-"});
  }
  table.print(out);
  print_lemma_a1(rows, out);
  const FlatteningDistances flat = flattening_distances(8, 16, 16);
  out << "\nProposition 3.1 (flattening a video of 16x16-token frames to 1D): a column neighbour is "
            << number_text(flat.column) << " position away, a row neighbour " << number_text(flat.row)
            << ", the same cell in the next frame " << number_text(flat.frame) << ".\n";
  out << "\nFirst violation: smallest distance m with 2 sigma^2 sum_i cos(phi_i(m)) < 0. Text: offset (m,m,m);"
               " frames: same cell m frames apart\n(VideoRoPE delta = 2, HoPE gamma = 1). Critical length: HoPE"
               " Theorem 3.1, 1 + pi / (2 theta_min) over non-zero temporal pairs.\n";
}

Json violation_json(const FirstViolation& v) {
  return {{"distance", v.distance ? Json(*v.distance) : Json(nullptr)}, {"proven_never", v.proven_never}};
}

Json optional_json(const std::optional<double>& x) { return x ? number_json(*x) : Json(nullptr); }

// The same numbers as one object (--json).
Json report_json(const std::vector<MethodRow>& rows) {
  Json methods = Json::array(), lemma = Json::array();
  for (const MethodRow& r : rows) {
    Json allocation = Json::object();
    for (Axis axis : kAxes) allocation[axis_name(axis)] = r.method.allocation.pairs_on(axis);
    allocation["zero"] = r.method.allocation.zero_pairs();
    const CriticalLength& c = r.critical;
    methods.push_back({{"method", r.name},
                       {"allocation", allocation},
                       {"design", design_name(r.method.design.kind)},
                       {"first_violation_text", violation_json(r.text)},
                       {"first_violation_frames", violation_json(r.frames)},
                       {"first_violation_frames_t_pairs_only", violation_json(r.frames_t)},
                       {"critical_length", optional_json(c.length)},
                       {"critical_length_frames", optional_json(c.frames)}});
    lemma.push_back({{"method", r.name},
                     {"theta_min", c.length ? number_json(c.theta_min) : Json(nullptr)},
                     {"p_32k", c.length ? sign_flip_probability(c.theta_min, kLemmaLengths[0]) : 0.0},
                     {"p_1m", c.length ? sign_flip_probability(c.theta_min, kLemmaLengths[1]) : 0.0}});
  }
  const FlatteningDistances flat = flattening_distances(8, 16, 16);
  return {{"methods", methods},
          {"lemma_a1", lemma},
          {"flattening_16x16", {{"column", flat.column}, {"row", flat.row}, {"frame", flat.frame}}}};
}

}  // namespace

void add_theory_report_command(CLI::App& theory) {
  auto args = std::make_shared<MethodArgs>();
  auto limit = std::make_shared<std::string>("10000000");
  CLI::App* cmd = theory.add_subcommand("report", "allocation, first violations and critical length of every method");
  add_spectrum_options(*cmd, *args);
  cmd->add_option("--limit", *limit, "largest distance scanned for first violations")->capture_default_str();
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "print one JSON object: settings, every method's numbers, provenance");
  cmd->callback([args, limit, json, cmd] {
    const std::int64_t max_distance = parse_nonnegative_integer(*limit, "--limit");
    const std::vector<MethodRow> rows = compute_rows(*args, max_distance);
    if (*json) {
      std::cout << json_line(command_json(*cmd, report_json(rows))) << '\n';
      return;
    }
    std::ostringstream report;
    print_report(*args, max_distance, rows, report);
    std::cout << report.str();
  });
}

}  // namespace hopelab::cli
