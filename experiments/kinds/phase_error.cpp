#include "kinds/phase_error.h"

#include <algorithm>
#include <cmath>

#include "kinds/kind_support.h"
#include "theory/preference.h"
#include "theory/spectrum.h"

namespace hopelab::kinds {

namespace {

void check(const PhaseErrorSettings& s, std::uint64_t) {
  params::build_method(s.method);
  params::spaced_distances(s.distances, s.spacing);
}

// The phases a float32 RoPE computes (sim's fp32 precision) against double ones (error ~2^-53
// |Delta theta_i| on the double side).
void compute(const PhaseErrorSettings& s, std::uint64_t, results::RunRecord& r) {
  using namespace phase_error;
  const Method m = params::build_method(s.method);
  const std::vector<double> distance = params::spaced_distances(s.distances, s.spacing);
  const std::vector<double> theta = rope_frequencies(m.spectrum);
  std::vector<double> error;
  std::vector<std::int64_t> worst;
  double theta_max = 0.0;
  for (size_t i = 0; i < theta.size(); ++i) {
    if (!m.allocation.zero[i]) theta_max = std::max(theta_max, theta[i]);
  }
  for (double delta : distance) {
    double largest = 0.0;
    std::int64_t at = -1;
    for (size_t i = 0; i < theta.size(); ++i) {
      const bool zero = m.allocation.zero[i] != 0;
      const float phi32 = pair_angle(static_cast<float>(delta), static_cast<float>(theta[i]), zero);
      const double e = std::fabs(static_cast<double>(phi32) - pair_angle(delta, theta[i], zero));
      if (e > largest || at < 0) {
        largest = e;
        at = static_cast<std::int64_t>(i);
      }
    }
    error.push_back(largest);
    worst.push_back(at);
  }
  r.datasets.push_back(numbers(kDistance, distance));
  r.datasets.push_back(numbers(kMaxError, error));
  r.datasets.push_back(integers(kWorstPair, worst));
  r.datasets.push_back(scalar_number(kThetaMax, theta_max));
}

}  // namespace

const Kind& phase_error_kind() {
  using namespace phase_error;
  static const KindOf<PhaseErrorSettings> kind("phase-error", "float32 rotation phases against float64 ones",
                                               {"method"}, {kDistance, kMaxError, kWorstPair, kThetaMax}, check,
                                               compute);
  return kind;
}

}  // namespace hopelab::kinds
