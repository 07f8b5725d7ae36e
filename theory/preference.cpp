#include "theory/preference.h"

#include <cmath>
#include <string>

#include "theory/input_error.h"
#include "theory/text_format.h"

namespace hopelab {

std::vector<double> pair_weights(const Method& method, double sigma) {
  if (!(sigma > 0.0) || !std::isfinite(2.0 * sigma * sigma * method.spectrum.pairs())) {
    throw InputError("sigma must be a number > 0 with 2 sigma^2 d finite, got " + format_number(sigma));
  }
  return std::vector<double>(static_cast<size_t>(method.spectrum.pairs()), 2.0 * sigma * sigma);
}

std::vector<double> pair_weights(const Method& method, const std::vector<double>& variances) {
  const int d = method.spectrum.head_dim;
  if (static_cast<int>(variances.size()) != d) {
    throw InputError("per-dimension variances need " + std::to_string(d) + " values, got " +
                     std::to_string(variances.size()));
  }
  for (double v : variances) {
    if (!(v >= 0.0) || !std::isfinite(v)) {
      throw InputError("variances must be finite and >= 0, got " + format_number(v));
    }
  }
  std::vector<double> weights(static_cast<size_t>(d / 2));
  for (int i = 0; i < d / 2; ++i) {
    const PairDims dims = pair_dimensions(i, d, method.allocation.layout);
    weights[static_cast<size_t>(i)] =
        variances[static_cast<size_t>(dims.first)] + variances[static_cast<size_t>(dims.second)];
  }
  return weights;
}

Preference expected_preference(const Method& method, const Offset3& offset, const std::vector<double>& weights) {
  const FrequencyAllocation& alloc = method.allocation;
  if (static_cast<int>(weights.size()) != alloc.pairs()) {
    throw InputError("expected " + std::to_string(alloc.pairs()) + " pair weights, got " + std::to_string(weights.size()));
  }
  const std::vector<double> theta = rope_frequencies(method.spectrum);
  Preference pref;
  accumulate_preference(alloc.pairs(), alloc.axis.data(), alloc.zero.data(), theta.data(), weights.data(), offset,
                        pref.by_axis.data());
  pref.total = pref.by_axis[0] + pref.by_axis[1] + pref.by_axis[2];
  return pref;
}

Preference expected_preference(const Method& method, const Offset3& offset, double sigma) {
  return expected_preference(method, offset, pair_weights(method, sigma));
}

}  // namespace hopelab
