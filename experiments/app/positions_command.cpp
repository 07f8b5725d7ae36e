// `hopelab positions`: every token's (t, h, w) under a method's position design, a one-unit run
// of kind positions (kinds/positions.h).

#include <iostream>

#include "kinds/positions.h"
#include "output/cli_output.h"
#include "results/run_record.h"
#include "theory/layout.h"
#include "theory_commands.h"
#include "unit_command.h"

namespace hopelab::cli {

namespace {

const char* segment_label(SegmentKind kind) {
  return kind == SegmentKind::text ? "text" : kind == SegmentKind::image ? "image" : "video";
}

// "<method> (<design> design), L tokens, rope_delta D", then one row per token.
void print_positions(const batch::WorkUnit&, const results::RunRecord& r, std::ostream& out) {
  using namespace kinds::positions;
  const std::vector<double> t = results::dataset_numbers(r, kT.name), h = results::dataset_numbers(r, kH.name),
                            w = results::dataset_numbers(r, kW.name);
  const std::vector<double> segment = results::dataset_numbers(r, kSegment.name);
  const Layout layout = parse_layout(results::string_attribute(r, "layout"));
  out << results::string_attribute(r, "method") << " (" << results::string_attribute(r, "position_design") << " design), "
      << t.size() << " tokens, rope_delta " << number_text(results::dataset_numbers(r, kRopeDelta.name).front())
      << "\n";
  Table table({"token", "segment", "t", "h", "w"});
  for (size_t k = 0; k < t.size(); ++k) {
    const auto s = static_cast<size_t>(segment[k]);
    table.add_row({std::to_string(k), std::to_string(s) + ":" + segment_label(layout[s].kind), number_text(t[k]),
                   number_text(h[k]), number_text(w[k])});
  }
  table.print(out);
}

}  // namespace

void add_positions_command(CLI::App& app) {
  add_unit_subcommand(app, "positions", "(t, h, w) position of every token of a layout", kinds::positions_kind(),
                      {print_positions});
}

}  // namespace hopelab::cli
