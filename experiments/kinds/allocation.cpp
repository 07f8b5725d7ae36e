#include "kinds/allocation.h"

#include "kinds/kind_support.h"
#include "theory/position_design.h"
#include "theory/spectrum.h"

namespace hopelab::kinds {

namespace {

void check(const AllocationSettings& s, std::uint64_t) { params::build_method(s.method); }

void compute(const AllocationSettings& s, std::uint64_t, results::RunRecord& r) {
  using namespace allocation;
  const Method m = params::build_method(s.method);
  std::vector<std::int64_t> axis, zero;
  for (size_t i = 0; i < m.allocation.axis.size(); ++i) {
    axis.push_back(static_cast<std::int64_t>(m.allocation.axis[i]));
    zero.push_back(m.allocation.zero[i] ? 1 : 0);
  }
  r.attributes.push_back(attribute(kPositionDesign, std::string(design_name(m.design.kind))));
  r.datasets.push_back(integers(kAxis, axis));
  r.datasets.push_back(integers(kZeroFrequency, zero));
  r.datasets.push_back(numbers(kTheta, rope_frequencies(m.spectrum)));
}

}  // namespace

const Kind& allocation_kind() {
  using namespace allocation;
  static const KindOf<AllocationSettings> kind("allocation", "which axis each rotary pair reads, and its zero pairs",
                                               {"method"}, {kAxis, kZeroFrequency, kTheta}, {kPositionDesign}, check,
                                               compute);
  return kind;
}

}  // namespace hopelab::kinds
