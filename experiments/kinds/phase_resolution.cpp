#include "kinds/phase_resolution.h"

#include <cfloat>
#include <cmath>

#include "kinds/kind_support.h"
#include "params/distances.h"
#include "theory/spectrum.h"

namespace hopelab::kinds {

namespace {

std::vector<double> bases(const PhaseResolutionSettings& s) {
  const std::vector<double> b = params::spaced_distances(s.bases, "log");
  for (double x : b) {
    if (!(x > 1.0) || !std::isfinite(x)) throw InputError("bases: every base must be > 1, got " + s.bases);
  }
  return b;
}

void check(const PhaseResolutionSettings& s, std::uint64_t) {
  if (s.head_dim % 2 != 0) throw InputError("head_dim must be even, got " + std::to_string(s.head_dim));
  bases(s);
}

// The slowest pair's float32 rotation at position m: the phase rounded once to float.
struct Rotation {
  float c, s;
  bool operator==(const Rotation& o) const { return c == o.c && s == o.s; }
};
Rotation rotation32(double m, double theta) {
  const float phase = static_cast<float>(m * theta);
  return {std::cos(phase), std::sin(phase)};
}

void compute(const PhaseResolutionSettings& s, std::uint64_t, results::RunRecord& r) {
  using namespace phase_resolution;
  const std::vector<double> base = bases(s);
  const double bound = 1.0 / static_cast<double>(FLT_EPSILON);
  std::vector<double> erased, slowest;
  double onset = -1.0;
  for (double b : base) {
    Spectrum spectrum;
    spectrum.head_dim = static_cast<int>(s.head_dim);
    spectrum.base = b;
    const double theta = rope_frequencies(spectrum).back();
    const double period = 2.0 * M_PI / theta;
    std::int64_t count = 0;
    for (std::int64_t k = 0; k < s.points; ++k) {
      const double m = std::floor(period * static_cast<double>(k) / static_cast<double>(s.points));
      count += rotation32(m, theta) == rotation32(m + 1.0, theta) ? 1 : 0;
    }
    erased.push_back(static_cast<double>(count) / static_cast<double>(s.points));
    slowest.push_back(theta);
    if (count > 0 && onset < 0) onset = b;
  }
  r.datasets.push_back(numbers(kBase, base));
  r.datasets.push_back(numbers(kErasedFraction, erased));
  r.datasets.push_back(numbers(kSlowestTheta, slowest));
  r.datasets.push_back(scalar_number(kOnsetBase, onset));
  r.datasets.push_back(scalar_number(kPrecisionBound, bound));
  r.datasets.push_back(scalar_number(kOnsetRatio, onset > 0 ? onset / bound : -1.0));
}

double work(const PhaseResolutionSettings& s) {
  return static_cast<double>(bases(s).size()) * static_cast<double>(s.points) * 2.0;
}

}  // namespace

const Kind& phase_resolution_kind() {
  using namespace phase_resolution;
  static const KindOf<PhaseResolutionSettings> kind(
      "phase-resolution", "float32 rotations of adjacent positions on the slowest pair, over bases (2602.10959)", {},
      {kBase, kErasedFraction, kSlowestTheta, kOnsetBase, kPrecisionBound, kOnsetRatio}, check, compute, nullptr, work);
  return kind;
}

}  // namespace hopelab::kinds
