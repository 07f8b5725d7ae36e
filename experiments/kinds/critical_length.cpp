#include "kinds/critical_length.h"

#include "kinds/kind_support.h"
#include "params/frame_grid.h"
#include "theory/critical_length.h"

namespace hopelab::kinds {

namespace {

void check(const CriticalLengthSettings& s, std::uint64_t) {
  params::build_method(s.method);
  params::parse_frame_grid(s.grid);
}

void compute(const CriticalLengthSettings& s, std::uint64_t, results::RunRecord& r) {
  using namespace critical_length;
  const Method m = params::build_method(s.method);
  const params::FrameGrid g = params::parse_frame_grid(s.grid);
  const CriticalLength c = hopelab::critical_length(m, g.height, g.width);
  r.attributes.push_back(attribute(kReason, c.reason));
  if (c.length) {
    r.datasets.push_back(scalar_number(kCriticalLength, *c.length));
    if (c.frames) r.datasets.push_back(scalar_number(kCriticalFrames, *c.frames));
    r.datasets.push_back(scalar_integer(kPair, c.pair));
    r.datasets.push_back(scalar_number(kThetaMin, c.theta_min));
    r.datasets.push_back(scalar_number(kFrameStep, c.frame_step));
  }
}

}  // namespace

const Kind& critical_length_kind() {
  using namespace critical_length;
  static const KindOf<CriticalLengthSettings> kind(
      "critical-length", "length beyond which the slowest temporal pair's cosine turns negative", {"method"},
      {kCriticalLength, kCriticalFrames, kPair, kThetaMin, kFrameStep}, {kReason}, check, compute);
  return kind;
}

}  // namespace hopelab::kinds
