#include "kinds/mc_preference.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "kinds/kind_support.h"
#include "kinds/mc_preparation.h"
#include "kinds/preference.h"
#include "sim/backend_registry.h"
#include "theory/sidak.h"

namespace hopelab::kinds {

namespace {

void check(const McPreferenceSettings& s, std::uint64_t seed) { prepare_mc(s, seed); }

// The record from the pair products' moments over all samples.
void write_record(const McPreferenceSettings& s, const PreparedMc& p, const PairProductMoments& moments,
                  results::RunRecord& r) {
  using namespace mc_preference;
  const std::vector<PreferenceEstimate> mc =
      current_backend().estimate_preference(p.method, moments, p.grid.offsets, p.precision);
  const std::vector<double> theory = closed_form_preference(p);
  const double z_bound = sidak_z(s.family_level, mc.size());
  std::vector<double> mean, se, n, z;
  std::vector<std::int64_t> verdict;
  for (size_t j = 0; j < mc.size(); ++j) {
    mean.push_back(mc[j].mean);
    se.push_back(mc[j].standard_error);
    n.push_back(mc[j].n);
    z.push_back(mc[j].standard_error > 0 ? (mc[j].mean - theory[j]) / mc[j].standard_error : 0.0);
    verdict.push_back(std::fabs(z.back()) <= z_bound ? 1 : 0);
  }
  r.attributes.push_back(attribute(kZBound, z_bound));
  append_pool_attributes(p, r);
  append_offset_datasets(p.grid, r);
  r.datasets.push_back(numbers(kMean, mean));
  r.datasets.push_back(numbers(kStandardError, se));
  r.datasets.push_back(numbers(kN, n));
  r.datasets.push_back(numbers(kTheory, theory));
  r.datasets.push_back(numbers(kZ, z));
  r.datasets.push_back(integers(kVerdict, verdict));
}

void compute(const McPreferenceSettings& s, std::uint64_t seed, results::RunRecord& r) {
  const PreparedMc p = prepare_mc(s, seed);
  write_record(s, p, current_backend().accumulate_pair_products(p.method, p.cfg), r);
}

// Split by sample ranges: the parts are the CPU estimator's chunks, merged in chunk order
// (accumulate_pair_products is that merge over all chunks, so the bits agree).
std::int64_t parts(const McPreferenceSettings& s) { return pair_product_chunks(s.sampling.samples); }

std::vector<double> compute_parts(const McPreferenceSettings& s, std::uint64_t seed, std::int64_t first,
                                  std::int64_t last) {
  const PreparedMc p = prepare_mc(s, seed);
  return accumulate_pair_product_chunks(p.method, p.cfg, first, last);
}

void finish(const McPreferenceSettings& s, std::uint64_t seed, const std::vector<double>& chunks,
            results::RunRecord& r) {
  const PreparedMc p = prepare_mc(s, seed);
  const int pairs = p.method.spectrum.pairs();
  const PairProductMoments moments = merge_chunks(pairs, chunks);
  if (chunks.size() != static_cast<size_t>(parts(s) * chunk_floats(pairs)) ||
      moments.n != static_cast<double>(s.sampling.samples)) {
    throw std::logic_error("mc-preference: the parts hold " + std::to_string(moments.n) + " of " +
                           std::to_string(s.sampling.samples) + " samples in " + std::to_string(chunks.size()) +
                           " numbers");
  }
  write_record(s, p, moments, r);
}

std::int64_t& samples(McPreferenceSettings& s) { return s.sampling.samples; }

double work(const McPreferenceSettings& s) {
  return static_cast<double>(s.sampling.samples) * static_cast<double>(params::offset_count(s.offsets)) * static_cast<double>(s.method.head_dim / 2);
}

// Accumulating costs O(N d^2) (about 7e-10 s per sample and co-moment entry, docs/perf.md),
// each offset O(d^2).
double cost(const McPreferenceSettings& s) {
  const double entries = static_cast<double>(s.method.head_dim) * static_cast<double>(s.method.head_dim);
  return 7e-10 * entries * (static_cast<double>(s.sampling.samples) + static_cast<double>(params::offset_count(s.offsets)));
}

}  // namespace

const Kind& mc_preference_kind() {
  using namespace mc_preference;
  static const KindOf<McPreferenceSettings> kind(
      "mc-preference", "Monte Carlo semantic preference at each offset beside the closed form", {"method"},
      {preference::kOffsets, preference::kDistance, kMean, kStandardError, kN, kTheory, kZ, kVerdict},
      {kZBound, kQueryPoolRows, kQueryPoolChecksum, kKeyPoolRows, kKeyPoolChecksum}, check, compute, samples, work,
      cost, SplitOf<McPreferenceSettings>{parts, compute_parts, finish});
  return kind;
}

}  // namespace hopelab::kinds
