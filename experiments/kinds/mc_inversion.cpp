#include "kinds/mc_inversion.h"

#include <algorithm>
#include <cmath>

#include "kinds/kind_support.h"
#include "kinds/mc_preparation.h"
#include "params/frame_grid.h"
#include "sim/backend_registry.h"
#include "theory/first_violation.h"
#include "theory/sidak.h"

namespace hopelab::kinds {

namespace {

void check(const McInversionSettings& s, std::uint64_t seed) {
  prepare_mc(s, seed);
  if (!s.offsets.offset3.empty()) throw InputError("offset3: mc-inversion reads distances (offsets or frames), not offset3");
}

void compute(const McInversionSettings& s, std::uint64_t seed, results::RunRecord& r) {
  using namespace mc_inversion;
  const PreparedMc p = prepare_mc(s, seed);
  const std::vector<WinEstimate> mc = current_backend().estimate_win_probability(p.method, p.cfg, p.grid.offsets, p.precision, nullptr);
  const std::vector<double> d = closed_form_preference(p);
  const std::vector<double>& distance = p.grid.distance;
  const double z = sidak_z(s.family_level, mc.size());
  std::vector<double> inversion, se;
  std::int64_t mismatches = 0, significant = 0;
  double first_crossing = -1, far_gap = -1, far_sum = 0, far_d = 0, near_d = NAN;
  std::int64_t far_count = 0;
  for (size_t j = 0; j < mc.size(); ++j) {
    const double inv = 1.0 - mc[j].probability;
    inversion.push_back(inv);
    se.push_back(mc[j].standard_error);
    const bool differs = std::fabs(inv - 0.5) > z * mc[j].standard_error;
    significant += differs ? 1 : 0;
    mismatches += differs && ((inv > 0.5) != (d[j] < 0)) ? 1 : 0;
    if (differs && inv > 0.5 && first_crossing < 0) first_crossing = distance[j];
    if (std::isnan(near_d) && distance[j] > 0) near_d = d[j];
    if (distance[j] >= s.far_from) {
      ++far_count;
      far_gap = std::max(far_gap, std::fabs(inv - 0.5));
      far_sum += inv;
      far_d += d[j];
    }
  }
  // First m with B(m) < 0 along the units' direction, up to the largest distance (theory).
  ViolationQuery q;
  q.direction = parse_direction(s.offsets.along);
  const params::OffsetGrid& g = p.grid;
  if (q.direction == Direction::frames) {
    const params::FrameGrid frame = params::parse_frame_grid(s.offsets.grid);
    q.grid_height = frame.height;
    q.grid_width = frame.width;
  }
  q.limit = std::max<std::int64_t>(1, static_cast<std::int64_t>(*std::max_element(g.distance.begin(), g.distance.end())));
  const FirstViolation fv = first_violation(p.method, q);
  const double first_negative = fv.distance ? static_cast<double>(*fv.distance) : -1.0;
  PreparedMc at_zero = p;  // D(0) under the same component law
  at_zero.grid.offsets = {Offset3{}};
  const double d0 = closed_form_preference(at_zero).front();
  append_pool_attributes(p, r);
  append_offset_datasets(p.grid, r);
  r.datasets.push_back(numbers(kInversion, inversion));
  r.datasets.push_back(numbers(kStandardError, se));
  r.datasets.push_back(numbers(kExpectedPreference, d));
  r.datasets.push_back(scalar_number(kZ, z));
  r.datasets.push_back(scalar_number(kFirstNegativeB, first_negative, g.distance_unit.c_str()));
  r.datasets.push_back(scalar_number(kFirstCrossing, first_crossing, g.distance_unit.c_str()));
  r.datasets.push_back(scalar_number(kCrossingRatio, first_crossing > 0 && first_negative > 0 ? first_crossing / first_negative : -1.0));
  r.datasets.push_back(scalar_integer(kSignMismatches, mismatches));
  r.datasets.push_back(scalar_integer(kSignificantOffsets, significant));
  r.datasets.push_back(scalar_number(kFarGap, far_gap));
  r.datasets.push_back(scalar_number(kFarMean, far_count ? far_sum / static_cast<double>(far_count) : -1.0));
  r.datasets.push_back(scalar_number(
      kLocalityContrast, far_count && !std::isnan(near_d) ? (near_d - far_d / static_cast<double>(far_count)) / d0 : -1.0));
}

std::int64_t& samples(McInversionSettings& s) { return s.sampling.samples; }

double work(const McInversionSettings& s) {
  return static_cast<double>(s.sampling.samples) * static_cast<double>(params::offset_count(s.offsets)) *
         static_cast<double>(s.method.head_dim / 2);
}

}  // namespace

const Kind& mc_inversion_kind() {
  using namespace mc_inversion;
  static const KindOf<McInversionSettings> kind(
      "mc-inversion", "Monte Carlo probability that a random key outscores the similar one (2605.15514)", {"method"},
      {preference::kOffsets, kDistance, kInversion, kStandardError, kExpectedPreference, kZ, kFirstNegativeB,
       kFirstCrossing, kCrossingRatio, kSignMismatches, kSignificantOffsets, kFarGap, kFarMean, kLocalityContrast},
      {kQueryPoolRows, kQueryPoolChecksum, kKeyPoolRows, kKeyPoolChecksum}, check, compute, samples, work);
  return kind;
}

}  // namespace hopelab::kinds
