#include "theory_report.h"

#include <iostream>
#include <memory>
#include <sstream>

#include "cli_method_options.h"
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

// Lemma A.1: for dt uniform on {0..L-1}, P[cos(theta_min dt) < 0] of each method's smallest
// non-zero temporal frequency, at two context lengths.
void print_lemma_a1(const MethodArgs& base_args, std::ostream& out) {
  const std::int64_t lengths[] = {32768, 1048576};
  out << "\nLemma A.1: P[cos(theta_min dt) < 0], dt uniform on {0..L-1} (zero below theta = pi/(2(L-1)): "
            << compact_text(sign_flip_threshold(lengths[0])) << " at L = 32k)\n";
  Table table({"method", "theta_min", "L = 32k", "L = 1M"});
  for (const std::string& name : method_names()) {
    if (name == "custom") continue;
    MethodArgs args = base_args;
    args.method = name;
    const CriticalLength c = critical_length(build_method(args));
    if (!c.length) {
      table.add_row({name, "none", "0", "0"});
      continue;
    }
    table.add_row({name, compact_text(c.theta_min), compact_text(sign_flip_probability(c.theta_min, lengths[0])),
                   compact_text(sign_flip_probability(c.theta_min, lengths[1]))});
  }
  table.print(out);
}

// The whole report into `out`; the caller prints it only once every method was computed, so a
// bad value gives its error line alone.
void print_report(const MethodArgs& base_args, const std::string& limit_text, std::ostream& out) {
  const std::int64_t limit = parse_nonnegative_integer(limit_text, "--limit");
  out << "hopelab theory report: d = " << base_args.head_dim << ", base = " << number_text(base_args.base)
            << ", frames grid 12x12, first violations scanned to " << limit << "\n\n";
  Table table({"method", "allocation (pair indices)", "design", "1st viol. text", "1st viol. frames",
               "t-pairs only, frames", "critical length (pos.)", "(frames)"});
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
    const FirstViolation frames_t = first_violation(m, q);
    const CriticalLength c = critical_length(m);
    table.add_row({name, allocation_text(m.allocation), design_name(m.design.kind), violation_text(text),
                   violation_text(frames), violation_text(frames_t), c.length ? compact_text(*c.length) : "none",
                   c.frames ? compact_text(*c.frames) : "-"});
  }
  table.print(out);
  print_lemma_a1(base_args, out);
  const FlatteningDistances flat = flattening_distances(8, 16, 16);
  out << "\nProposition 3.1 (flattening a video of 16x16-token frames to 1D): a column neighbour is "
            << number_text(flat.column) << " position away, a row neighbour " << number_text(flat.row)
            << ", the same cell in the next frame " << number_text(flat.frame) << ".\n";
  out << "\nFirst violation: smallest distance m with 2 sigma^2 sum_i cos(phi_i(m)) < 0. Text: offset (m,m,m);"
               " frames: same cell m frames apart\n(VideoRoPE delta = 2, HoPE gamma = 1). Critical length: HoPE"
               " Theorem 3.1, 1 + pi / (2 theta_min) over non-zero temporal pairs.\n";
}

}  // namespace

void add_theory_report_command(CLI::App& theory) {
  auto args = std::make_shared<MethodArgs>();
  auto limit = std::make_shared<std::string>("10000000");
  CLI::App* cmd = theory.add_subcommand("report", "allocation, first violations and critical length of every method");
  add_spectrum_options(*cmd, *args);
  cmd->add_option("--limit", *limit, "largest distance scanned for first violations")->capture_default_str();
  cmd->callback([args, limit] {
    std::ostringstream report;
    print_report(*args, *limit, report);
    std::cout << report.str();
  });
}

}  // namespace hopelab::cli
