// The empirical law of the Monte Carlo engines (sim/sampling.h) and its HDF5 reader
// (experiments/results/empirical_pool.h; its `dist` text: experiments/params/sampling.h), host-side
// checks (the engine's draws and its agreement with an oracle are in empirical_parity.inc, run on
// both backends):
//   - the reader round-trips float64 and float32 pools and refuses every bad file with an
//     InputError naming the file, the dataset and the bad value;
//   - the closed form E[x] . w(Delta) equals the exhaustive expectation over every (query row,
//     key row) pair, computed by explicit rotations in long double (sign and mean terms), and
//     reduces to the per-dimension-variance formula for one pool;
//   - row indices (uniform_index) pass a chi-square test at a Sidak-corrected level, and the
//     naive 32-bit modulo draw fails it; its 64 x 64 -> 128-bit product is exact;
//   - results are bitwise identical for 1 and 2 threads; bad pools are refused.
#include <stdlib.h>  // mkdtemp

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <boost/math/distributions/chi_squared.hpp>
#include <gtest/gtest.h>
#include <omp.h>

#include "empirical_fixtures.h"
#include "results/empirical_pool.h"
#include "hdf5_writer.h"
#include "params/sampling.h"
#include "sim/preference_estimator.h"
#include "theory/input_error.h"

namespace hopelab {
namespace {

using testing::write_dataset;

__extension__ typedef unsigned __int128 Uint128;  // GCC/Clang extension, for the reference product

// A fresh directory under the system temp dir, removed with everything in it at scope exit.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "hopelab_empirical_XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// ------------------------------------------------------------------------------- the reader

TEST(EmpiricalPoolReader, RoundTripsFloat64AndFloat32) {
  const TempDir dir;
  const std::string file = dir.file("pools.h5");
  const std::vector<double> values = make_pool(5, 8, 1, [](int j) { return 0.1 * j; }, [](int) { return 1.3; });
  write_dataset(file, "/queries", H5T_IEEE_F64LE, {5, 8}, values, true);
  write_dataset(file, "/nested/keys", H5T_IEEE_F32BE, {5, 8}, values, false);  // other byte order too
  const EmpiricalPool q = read_empirical_pool(file, "/queries", 8);
  EXPECT_EQ(q.rows, 5);
  EXPECT_EQ(q.dim, 8);
  EXPECT_EQ(q.file, file);
  EXPECT_EQ(q.dataset, "/queries");
  EXPECT_EQ(q.values, values);  // bitwise
  const EmpiricalPool k = read_empirical_pool(file, "/nested/keys", 8);
  ASSERT_EQ(k.values.size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(k.values[i], static_cast<double>(static_cast<float>(values[i]))) << i;  // float32 widens exactly
  }
  // FNV-1a 64 of the bytes of 1.0 and -2.5, little-endian, from Python:
  //   h = 0xcbf29ce484222325; for b in struct.pack('<d', 1.0) + struct.pack('<d', -2.5):
  //     h = ((h ^ b) * 0x100000001b3) % 2**64
  EXPECT_EQ(pool_checksum({1.0, -2.5}), "fnv1a64:2f20b4ea1c69d79c");
  EXPECT_EQ(pool_checksum({}), "fnv1a64:cbf29ce484222325");  // the offset basis
  EXPECT_NE(pool_checksum(q.values), pool_checksum(k.values));
}

TEST(EmpiricalPoolReader, ParsesSpecsAndRefusesMalformedOnes) {
  const params::EmpiricalSpec one = params::parse_empirical_spec("empirical:/tmp/a.h5:/q");
  EXPECT_EQ(one.file, "/tmp/a.h5");
  EXPECT_EQ(one.datasets, std::vector<std::string>({"/q"}));
  const params::EmpiricalSpec two = params::parse_empirical_spec("empirical:dir/b.h5:/g/queries:/keys");
  EXPECT_EQ(two.file, "dir/b.h5");
  EXPECT_EQ(two.datasets, std::vector<std::string>({"/g/queries", "/keys"}));
  for (const char* text : {"empirical:", "empirical:a.h5", "empirical::/q", "empirical:a.h5:q",
                           "empirical:a.h5:/q:/k:/x", "gaussian"}) {
    const std::string bad = text;
    try {
      params::parse_empirical_spec(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("'" + bad + "'"), std::string::npos) << e.what();
    }
  }
}

TEST(EmpiricalPoolReader, RefusesEveryBadFileNamingIt) {
  const TempDir dir;
  const std::string file = dir.file("bad.h5");
  const std::vector<double> good(4 * 8, 0.5);
  write_dataset(file, "/ok", H5T_IEEE_F64LE, {4, 8}, good, true);
  write_dataset(file, "/rank1", H5T_IEEE_F64LE, {8}, std::vector<double>(8, 1.0), false);
  write_dataset(file, "/rank3", H5T_IEEE_F64LE, {2, 2, 8}, std::vector<double>(32, 1.0), false);
  write_dataset(file, "/scalar", H5T_IEEE_F64LE, {}, {1.0}, false);
  write_dataset(file, "/narrow", H5T_IEEE_F64LE, {4, 6}, std::vector<double>(24, 1.0), false);
  write_dataset(file, "/one_row", H5T_IEEE_F64LE, {1, 8}, std::vector<double>(8, 1.0), false);
  write_dataset(file, "/integers", H5T_STD_I32LE, {4, 8}, good, false);
  std::vector<double> with_nan = good, with_inf = good;
  with_nan[2 * 8 + 3] = std::nan("");
  with_inf[3 * 8 + 7] = -INFINITY;
  write_dataset(file, "/nan", H5T_IEEE_F32LE, {4, 8}, with_nan, false);
  write_dataset(file, "/inf", H5T_IEEE_F64LE, {4, 8}, with_inf, false);
  testing::write_group(file, "/group");
  const std::string text = dir.file("not_hdf5.h5");
  std::ofstream(text) << "q,k\n1,2\n";

  struct Case {
    std::string file, dataset;
    std::vector<std::string> named;  // every one must appear in the message
  };
  const std::vector<Case> cases = {
      {dir.file("missing.h5"), "/ok", {"missing.h5", "does not exist"}},
      {text, "/ok", {"not_hdf5.h5", "not an HDF5 file"}},
      {file, "/absent", {"/absent", "bad.h5", "no dataset"}},
      {file, "/deep/absent", {"/deep/absent", "no dataset"}},
      {file, "/group", {"/group", "not a dataset"}},
      {file, "/rank1", {"/rank1", "bad.h5", "rank 1"}},
      {file, "/rank3", {"/rank3", "rank 3", "2x2x8"}},
      {file, "/scalar", {"/scalar", "rank 0"}},
      {file, "/narrow", {"/narrow", "6 columns", "d is 8"}},
      {file, "/one_row", {"/one_row", "1 row"}},
      {file, "/integers", {"/integers", "32-bit integer", "float32 or float64"}},
      {file, "/nan", {"/nan", "nan", "row 2, column 3"}},
      {file, "/inf", {"/inf", "inf", "row 3, column 7"}},
  };
  for (const Case& c : cases) {
    try {
      read_empirical_pool(c.file, c.dataset, 8);
      ADD_FAILURE() << "accepted " << c.file << ":" << c.dataset;
    } catch (const InputError& e) {
      for (const std::string& name : c.named) {
        EXPECT_NE(std::string(e.what()).find(name), std::string::npos)
            << c.dataset << ": message '" << e.what() << "' does not name '" << name << "'";
      }
    }
  }
  EXPECT_EQ(read_empirical_pool(file, "/ok", 8).values, good);  // the file itself is fine
}

// ------------------------------------------------------------------------- the closed form

TEST(EmpiricalSampling, ClosedFormEqualsTheExhaustiveExpectation) {
  // Tiny pools: E over every (query row, key row) of score(q, q) - score(q, k) (the noise has
  // mean zero), by explicit rotation in long double; both pair layouts, so the sin term's sign
  // is checked against the score convention of kernels/pair_statistics.h.
  for (PairLayout layout : {PairLayout::halves, PairLayout::adjacent}) {
    MethodOptions o;
    o.spectrum = {8, 100.0};
    o.layout = layout;
    const Method method = make_method("mrope", o);
    const std::vector<double> queries =
        make_pool(3, 8, 2, [](int j) { return 1.0 - 0.3 * j; }, [](int j) { return 0.5 + j; });
    const std::vector<double> keys = make_pool(4, 8, 3, [](int j) { return 0.7 * j - 2.0; }, [](int) { return 0.8; });
    const std::vector<Offset3> offsets = {{0, 0, 0}, {1, 2, 3}, {-7, 0.5, 40}, {1234, -99, 5}};
    for (bool two_pools : {false, true}) {
      const std::vector<double>& k_pool = two_pools ? keys : queries;
      const PreferenceSampling cfg = empirical(queries, two_pools ? keys : std::vector<double>{}, 0, 2);
      const std::vector<double> got =
          preference_from_pair_products(method, expected_pair_products(method, cfg), offsets);
      for (size_t m = 0; m < offsets.size(); ++m) {
        long double exact = 0.0L, scale = 0.0L;
        for (int a = 0; a < 3; ++a) {
          for (int b = 0; b < static_cast<int>(k_pool.size()) / 8; ++b) {
            const std::vector<long double> q = row_of(queries, 8, a), k = row_of(k_pool, 8, b);
            const long double term =
                brute_force_score(q, q, method, offsets[m]) - brute_force_score(q, k, method, offsets[m]);
            exact += term;
            scale += std::fabs(term);
          }
        }
        const long double pairs_count = 3.0L * (static_cast<long double>(k_pool.size()) / 8);
        exact /= pairs_count;
        scale /= pairs_count;
        // Double rounding of means, variances and phases (|phi| <= 1234): ~1e3 * 1e-16 relative.
        EXPECT_NEAR(got[m], static_cast<double>(exact), 1e-11 * static_cast<double>(scale))
            << pair_layout_name(layout) << (two_pools ? " two pools" : " one pool") << " offset " << m;
        EXPECT_NEAR(static_cast<double>(oracle_preference(queries, k_pool, method, offsets[m])),
                    static_cast<double>(exact), 1e-11 * static_cast<double>(scale));
      }
    }
    // One pool: the per-dimension-variance formula with the pool's population variances.
    const PreferenceSampling one = empirical(queries, {}, 0, 2);
    const std::vector<double> general =
        preference_from_pair_products(method, expected_pair_products(method, one), offsets);
    const std::vector<double> weights = pair_weights(method, component_variances(one, 8));
    for (size_t m = 0; m < offsets.size(); ++m) {
      const double per_dimension = expected_preference(method, offsets[m], weights).total;
      EXPECT_NEAR(general[m], per_dimension, 1e-12 * (std::fabs(per_dimension) + 1.0)) << m;
    }
  }
}

// ----------------------------------------------------------------------- row draws, engine

TEST(EmpiricalSampling, RowDrawsAreUniformAndTheModuloTwinIsNot) {
  // Chi-square of N draws over B equiprobable bins of [0, n) (bin of i: floor(i B / n)), each
  // compared with chi2(B - 1) at a Sidak-corrected family level 1e-6 over the 3 uniformity checks.
  const std::int64_t draws = 200000;
  const double per_check = -std::expm1(std::log1p(-1e-6) / 3);
  const auto chi_square = [&](std::uint64_t n, int bins, auto&& draw) {
    std::vector<double> counts(static_cast<size_t>(bins), 0.0);
    for (std::int64_t s = 0; s < draws; ++s) {
      const std::uint64_t i = draw(static_cast<std::uint64_t>(s));
      EXPECT_LT(i, n);
      // floor(i B / n) without overflow: i B < n B < 2^64 for every case below.
      counts[static_cast<size_t>(i * static_cast<std::uint64_t>(bins) / n)] += 1.0;
    }
    const double expected = static_cast<double>(draws) / bins;
    double x2 = 0.0;
    for (double c : counts) x2 += (c - expected) * (c - expected) / expected;
    return x2;
  };
  const auto threshold = [&](int bins) {
    return boost::math::quantile(boost::math::complement(boost::math::chi_squared(bins - 1), per_check));
  };
  const std::uint64_t seed = 31;
  struct Case {
    std::uint64_t n;
    int bins;
  };
  // A small pool (every row a bin), n = 3 2^30 (where a 32-bit modulo is most biased), and n past 2^32.
  for (const Case c : {Case{37, 37}, Case{3ULL << 30, 3}, Case{(5ULL << 40) + 7, 64}}) {
    const double x2 = chi_square(c.n, c.bins, [&](std::uint64_t s) { return uniform_index(c.n, seed, 0, s, 0); });
    EXPECT_LE(x2, threshold(c.bins)) << "n = " << c.n << ": chi-square " << x2 << " over " << c.bins << " bins";
  }
  // Twin: word mod n on one 32-bit word gives [0, 2^32 - n) twice the weight: must be rejected.
  const std::uint64_t n = 3ULL << 30;
  const double twin = chi_square(n, 3, [&](std::uint64_t s) { return philox_block(seed, 0, s, 0).word[0] % n; });
  EXPECT_GT(twin, threshold(3)) << "the 32-bit modulo draw must fail the uniformity check";
}

TEST(EmpiricalSampling, MultiplyHighLowEqualsA128BitProduct) {
  for (std::uint64_t s = 0; s < 1000; ++s) {
    const RandomBlock b = philox_block(5, 9, s, 0);
    const std::uint64_t x = (static_cast<std::uint64_t>(b.word[0]) << 32) | b.word[1];
    const std::uint64_t y = s < 10 ? ~0ULL - s : (static_cast<std::uint64_t>(b.word[2]) << 32) | b.word[3];
    std::uint64_t high = 0, low = 0;
    multiply_64x64(x, y, high, low);
    const Uint128 product = static_cast<Uint128>(x) * y;
    EXPECT_EQ(high, static_cast<std::uint64_t>(product >> 64)) << s;
    EXPECT_EQ(low, static_cast<std::uint64_t>(product)) << s;
  }
}

TEST(EmpiricalSampling, IdenticalForOneAndTwoThreads) {
  const Method method = make_method("mrope");
  const std::vector<double> queries = make_pool(50, 128, 13, [](int j) { return 0.01 * j; }, [](int) { return 1.0; });
  const std::vector<double> keys = make_pool(60, 128, 14, [](int) { return -0.5; }, [](int) { return 2.0; });
  PreferenceSampling cfg = empirical(queries, keys, 8, 1000);
  omp_set_num_threads(1);
  const PairProductMoments one = accumulate_pair_products(method, cfg);
  omp_set_num_threads(2);
  const PairProductMoments two = accumulate_pair_products(method, cfg);
  EXPECT_EQ(one.mean, two.mean);          // bitwise
  EXPECT_EQ(one.comoment, two.comoment);  // bitwise
  cfg.seed = 9;
  EXPECT_NE(accumulate_pair_products(method, cfg).mean, one.mean);
}

TEST(EmpiricalSampling, RejectsBadPools) {
  const Method method = make_method("mrope");  // d = 128
  PreferenceSampling cfg;
  cfg.query_pool.assign(2 * 128, 1.0);  // pools with the Gaussian law
  EXPECT_THROW(accumulate_pair_products(method, cfg), InputError);
  cfg = empirical({}, {}, 0, 100);
  EXPECT_THROW(accumulate_pair_products(method, cfg), InputError);  // no pool
  cfg.query_pool.assign(2 * 128 + 1, 1.0);  // not whole rows
  EXPECT_THROW(accumulate_pair_products(method, cfg), InputError);
  cfg.query_pool.assign(128, 1.0);  // one row
  EXPECT_THROW(accumulate_pair_products(method, cfg), InputError);
  cfg.query_pool.assign(2 * 128, 1.0);
  cfg.key_pool.assign(2 * 128, 1.0);
  cfg.key_pool[200] = std::nan("");
  EXPECT_THROW(accumulate_pair_products(method, cfg), InputError);
  cfg.key_pool[200] = 0.0;
  cfg.scales.assign(128, 1.0);  // the pool sets the scales
  EXPECT_THROW(accumulate_pair_products(method, cfg), InputError);
  cfg.scales.clear();
  EXPECT_NO_THROW(accumulate_pair_products(method, cfg));
}

}  // namespace
}  // namespace hopelab
