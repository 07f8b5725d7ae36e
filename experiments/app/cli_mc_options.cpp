#include "cli_mc_options.h"

#include <algorithm>
#include <cmath>
#include <iostream>

#include "output/cli_output.h"

namespace hopelab::cli {

double largest_component(const std::vector<Offset3>& offsets) {
  double largest = 0.0;
  for (const Offset3& o : offsets) largest = std::max({largest, std::fabs(o.t), std::fabs(o.h), std::fabs(o.w)});
  return largest;
}

void warn_inexact_float_offsets(double largest_offset) {
  if (largest_offset > kFloatExactOffset) {
    std::cerr << "hopelab: warning: offsets up to " << compact_text(largest_offset)
              << " exceed 2^24, the largest a float32 holds exactly; fp32 phases there are inexact\n";
  }
}

std::string offset_text(const Offset3& o) {
  return compact_text(o.t) + "," + compact_text(o.h) + "," + compact_text(o.w);
}

}  // namespace hopelab::cli
