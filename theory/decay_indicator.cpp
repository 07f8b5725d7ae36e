#include "theory/decay_indicator.h"

#include <cmath>

namespace hopelab {

std::vector<double> axis_frequencies(const Method& method, Axis axis) {
  const std::vector<double> theta = rope_frequencies(method.spectrum);
  std::vector<double> out;
  for (int i : method.allocation.pairs_on(axis)) {
    out.push_back(method.allocation.zero[static_cast<size_t>(i)] ? 0.0 : theta[static_cast<size_t>(i)]);
  }
  return out;
}

double decay_indicator(const std::vector<double>& theta, double delta) {
  if (theta.empty()) return 0.0;
  double re = 0.0, im = 0.0, sum = 0.0;
  for (double t : theta) {  // S_j includes the first j frequencies: add, then take |S_j|
    re += std::cos(delta * t);
    im += std::sin(delta * t);
    sum += std::hypot(re, im);
  }
  return sum / static_cast<double>(theta.size());
}

}  // namespace hopelab
