#pragma once
// What the Monte Carlo kinds over offsets (mc-preference, mc-win-prob, mc-inversion) build before sampling:
// the method, its offsets, sim's sampling settings (with the empirical law's pools read), the
// components' variances and the phase precision, checked; and what they write of the pools.

#include "kinds/kind.h"
#include "params/distances.h"
#include "params/method.h"
#include "params/offsets.h"
#include "params/sampling.h"
#include "results/run_record.h"
#include "sim/preference_sweep.h"

namespace hopelab::kinds {

// Where an empirical pool came from: enough for a result to name its input.
struct PoolProvenance {
  std::string dataset;
  std::int64_t rows = 0;
  std::string checksum;  // results::pool_checksum of the values as read
};

struct PreparedMc {
  Method method;
  params::OffsetGrid grid;
  PreferenceSampling cfg;
  std::vector<double> variances;     // (d) of q's components, as given or sigma^2; empty: empirical law
  std::vector<PoolProvenance> pools; // empirical law: queries, then keys when given
  PhasePrecision precision;
};

// Reads the empirical law's pools (results/empirical_pool.h). Throws InputError naming a bad
// value, file or dataset.
PreparedMc prepare_mc(const params::MethodParams& method, const params::OffsetParams& offsets,
                      const params::SamplingParams& sampling, std::uint64_t seed);

template <class S>
PreparedMc prepare_mc(const S& s, std::uint64_t seed) {
  return prepare_mc(s.method, s.offsets, s.sampling, seed);
}

// The closed-form expected preference at the offsets under the sampling's component law
// (exact phases): with variances s2, sum_i (s2[a_i] + s2[b_i]) cos phi_i; under the empirical
// law E[x] . w(Delta), which has sin terms when the query and key pools differ in mean.
std::vector<double> closed_form_preference(const PreparedMc& p);

// The empirical law's pools as attributes: query_pool_rows, query_pool_checksum and, with a key
// pool, key_pool_rows, key_pool_checksum (the file and datasets are in `dist`). None otherwise.
inline constexpr AttributeName kQueryPoolRows{"query_pool_rows", "1", "empirical law: rows of its query pool", true};
inline constexpr AttributeName kQueryPoolChecksum{
    "query_pool_checksum", "", "empirical law: FNV-1a 64 of its query pool's values, fnv1a64:HEX", true};
inline constexpr AttributeName kKeyPoolRows{"key_pool_rows", "1", "empirical law with a key pool: its rows", true};
inline constexpr AttributeName kKeyPoolChecksum{"key_pool_checksum", "",
                                                "empirical law with a key pool: FNV-1a 64 of its values", true};
void append_pool_attributes(const PreparedMc& p, results::RunRecord& r);

}  // namespace hopelab::kinds
