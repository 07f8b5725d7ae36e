#include "kinds/mc_win_prob.h"

#include "kinds/kind_support.h"
#include "kinds/mc_preparation.h"
#include "kinds/preference.h"
#include "sim/backend_registry.h"

namespace hopelab::kinds {

namespace {

void check(const McWinProbSettings& s, std::uint64_t seed) { prepare_mc(s, seed); }

void compute(const McWinProbSettings& s, std::uint64_t seed, results::RunRecord& r) {
  using namespace mc_win_prob;
  const PreparedMc p = prepare_mc(s, seed);
  const std::vector<WinEstimate> mc = current_backend().estimate_win_probability(p.method, p.cfg, p.grid.offsets, p.precision, nullptr);
  const std::vector<double> theory = closed_form_preference(p);
  std::vector<double> probability, se, n;
  for (const WinEstimate& e : mc) {
    probability.push_back(e.probability);
    se.push_back(e.standard_error);
    n.push_back(e.n);
  }
  append_pool_attributes(p, r);
  append_offset_datasets(p.grid, r);
  r.datasets.push_back(numbers(kProbability, probability));
  r.datasets.push_back(numbers(kStandardError, se));
  r.datasets.push_back(numbers(kN, n));
  r.datasets.push_back(numbers(kExpectedPreference, theory));
}

std::int64_t& samples(McWinProbSettings& s) { return s.sampling.samples; }

double work(const McWinProbSettings& s) {
  return static_cast<double>(s.sampling.samples) * static_cast<double>(params::offset_count(s.offsets)) * static_cast<double>(s.method.head_dim / 2);
}

}  // namespace

const Kind& mc_win_prob_kind() {
  using namespace mc_win_prob;
  static const KindOf<McWinProbSettings> kind(
      "mc-win-prob", "Monte Carlo probability that the similar key outscores a random one", {"method"},
      {preference::kOffsets, preference::kDistance, kProbability, kStandardError, kN, kExpectedPreference},
      {kQueryPoolRows, kQueryPoolChecksum, kKeyPoolRows, kKeyPoolChecksum}, check, compute, samples, work);
  return kind;
}

}  // namespace hopelab::kinds
