// `hopelab positions`: every token's (t, h, w) under a method's position design.

#include <iostream>
#include <memory>

#include "cli_method_options.h"
#include "output/cli_output.h"
#include "theory/input_error.h"
#include "theory_commands.h"

namespace hopelab::cli {

namespace {

constexpr std::int64_t kMaxPrintedTokens = 10'000'000;

const char* segment_label(SegmentKind kind) {
  return kind == SegmentKind::text ? "text" : kind == SegmentKind::image ? "image" : "video";
}

}  // namespace

void add_positions_command(CLI::App& app) {
  auto args = std::make_shared<MethodArgs>();
  auto json = std::make_shared<bool>(false);
  auto layout_text = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("positions", "(t, h, w) position of every token of a layout");
  add_method_options(*cmd, *args);
  cmd->add_option("--layout", *layout_text, "segments, e.g. \"text:3,video:3x2x2,text:5\"")->required();
  cmd->add_flag("--json", *json, "print one JSON object");
  cmd->callback([=] {
    const Method m = build_method(*args);
    const Layout layout = parse_layout(*layout_text);
    if (token_count(layout) > kMaxPrintedTokens) {
      throw InputError("layout '" + *layout_text + "' has " + std::to_string(token_count(layout)) +
                       " tokens; positions prints at most " + std::to_string(kMaxPrintedTokens));
    }
    const PositionIds ids = assign_positions(m.design, layout);
    if (*json) {
      std::cout << Json{{"method", m.name}, {"design", design_name(m.design.kind)}, {"t", numbers_json(ids.t)},
                        {"h", numbers_json(ids.h)}, {"w", numbers_json(ids.w)},
                        {"rope_delta", number_json(rope_delta(ids))}}
                       .dump()
                << '\n';
      return;
    }
    std::cout << m.name << " (" << design_name(m.design.kind) << " design), " << ids.size()
              << " tokens, rope_delta " << number_text(rope_delta(ids)) << "\n";
    Table table({"token", "segment", "t", "h", "w"});
    std::int64_t token = 0;
    for (size_t s = 0; s < layout.size(); ++s) {
      const std::string label = std::to_string(s) + ":" + segment_label(layout[s].kind);
      for (std::int64_t i = 0; i < layout[s].token_count(); ++i, ++token) {
        const Position3 p = ids.at(token);
        table.add_row({std::to_string(token), label, number_text(p.t), number_text(p.h), number_text(p.w)});
      }
    }
    table.print(std::cout);
  });
}

}  // namespace hopelab::cli
