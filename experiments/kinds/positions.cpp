#include "kinds/positions.h"

#include "kinds/kind_support.h"
#include "theory/layout.h"
#include "theory/position_design.h"

namespace hopelab::kinds {

namespace {

constexpr std::int64_t kMaxTokens = 10'000'000;  // three float64 datasets of this length: 240 MB

Layout checked_layout(const PositionsSettings& s) {
  const Layout layout = parse_layout(s.layout);
  if (token_count(layout) > kMaxTokens) {
    throw InputError("layout '" + s.layout + "' has " + std::to_string(token_count(layout)) + " tokens; at most " +
                     std::to_string(kMaxTokens));
  }
  return layout;
}

void check(const PositionsSettings& s, std::uint64_t) {
  params::build_method(s.method);
  checked_layout(s);
}

void compute(const PositionsSettings& s, std::uint64_t, results::RunRecord& r) {
  using namespace positions;
  const Method m = params::build_method(s.method);
  const Layout layout = checked_layout(s);
  const PositionIds ids = assign_positions(m.design, layout);
  std::vector<std::int64_t> segment;
  for (size_t k = 0; k < layout.size(); ++k) segment.insert(segment.end(), layout[k].token_count(), k);
  r.attributes.push_back(attribute(kPositionDesign, std::string(design_name(m.design.kind))));
  r.datasets.push_back(numbers(kT, ids.t));
  r.datasets.push_back(numbers(kH, ids.h));
  r.datasets.push_back(numbers(kW, ids.w));
  r.datasets.push_back(integers(kSegment, segment));
  r.datasets.push_back(scalar_number(kRopeDelta, rope_delta(m.design, ids)));
}

}  // namespace

const Kind& positions_kind() {
  using namespace positions;
  static const KindOf<PositionsSettings> kind("positions", "(t, h, w) position of every token of a layout",
                                              {"method", "layout"}, {kT, kH, kW, kSegment, kRopeDelta},
                                              {kPositionDesign}, check, compute);
  return kind;
}

}  // namespace hopelab::kinds
