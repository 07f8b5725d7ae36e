#include "sim/preference_sweep.h"

#include <cstdint>
#include <string>

#include <thrust/copy.h>
#include <thrust/device_vector.h>
#include <thrust/transform.h>


#include "theory/host_device.h"
#include "theory/input_error.h"
#include "theory/spectrum.h"

namespace hopelab {

namespace {

// D(offset).total, summed as theory's expected_preference sums it: by axis, then t + h + w.
// The arrays are the method's, on the backend's device; axis, zero, theta, weight: (P).
struct PreferenceTotal {
  int pairs;
  const Axis* axis;
  const std::uint8_t* zero;
  const double* theta;
  const double* weight;

  HOPELAB_HD double operator()(const Offset3& offset) const {
    double by_axis[3] = {0.0, 0.0, 0.0};
    accumulate_preference(pairs, axis, zero, theta, weight, offset, by_axis);
    return by_axis[0] + by_axis[1] + by_axis[2];
  }
};

// Throws InputError unless the allocation and the weights both have the spectrum's P pairs.
void check_pairs(const Method& method, const std::vector<double>& weights);

}  // namespace

std::vector<double> preference_sweep(const Method& method, const std::vector<Offset3>& offsets,
                                     const std::vector<double>& weights) {
  check_pairs(method, weights);
  const std::vector<double> theta = rope_frequencies(method.spectrum);

  // Method tables and offsets to the device; one D per offset; results back.
  const thrust::device_vector<Axis> axis(method.allocation.axis.begin(), method.allocation.axis.end());
  const thrust::device_vector<std::uint8_t> zero(method.allocation.zero.begin(), method.allocation.zero.end());
  const thrust::device_vector<double> theta_d(theta.begin(), theta.end());
  const thrust::device_vector<double> weight_d(weights.begin(), weights.end());
  const thrust::device_vector<Offset3> offsets_d(offsets.begin(), offsets.end());
  thrust::device_vector<double> totals_d(offsets.size());

  const PreferenceTotal total{method.spectrum.pairs(), thrust::raw_pointer_cast(axis.data()),
                              thrust::raw_pointer_cast(zero.data()), thrust::raw_pointer_cast(theta_d.data()),
                              thrust::raw_pointer_cast(weight_d.data())};
  thrust::transform(offsets_d.begin(), offsets_d.end(), totals_d.begin(), total);

  std::vector<double> totals(offsets.size());
  thrust::copy(totals_d.begin(), totals_d.end(), totals.begin());
  return totals;
}

namespace {

void check_pairs(const Method& method, const std::vector<double>& weights) {
  const int pairs = method.spectrum.pairs();
  if (method.allocation.pairs() != pairs || static_cast<int>(method.allocation.zero.size()) != pairs) {
    throw InputError("method '" + method.name + "' allocates " + std::to_string(method.allocation.pairs()) +
                     " pairs but its spectrum has " + std::to_string(pairs));
  }
  if (static_cast<int>(weights.size()) != pairs) {
    throw InputError("expected " + std::to_string(pairs) + " pair weights, got " + std::to_string(weights.size()));
  }
}

}  // namespace

}  // namespace hopelab
