// Minimal RoPE base for a context length: brute force in long double for small settings, the
// published Table 2 values of Men et al. (and the re-computation by Su), and a demonstration
// that feasibility is not monotone in the base (why bisection is wrong).
#include <cmath>
#include <vector>

#include <gtest/gtest.h>
#include <omp.h>

#include "theory/base_bound.h"
#include "theory/input_error.h"

namespace hopelab {
namespace {

// B_b(m) >= 0 for all m in [1, max_m], one cosl per pair and m.
bool brute_feasible(long double base, int d, std::int64_t max_m) {
  for (std::int64_t m = 1; m <= max_m; ++m) {
    long double s = 0;
    for (int i = 0; i < d / 2; ++i) s += std::cos(m * std::pow(base, -2.0L * i / d));
    if (s < 0) return false;
  }
  return true;
}

TEST(BaseBound, FeasibilityMatchesBruteForce) {
  for (int d : {8, 16}) {
    for (std::int64_t max_m : {20, 100, 400}) {
      for (double base = 2.0; base < 5e4; base *= 1.37) {
        EXPECT_EQ(base_is_feasible(base, d, max_m), brute_feasible(base, d, max_m))
            << "d=" << d << " base=" << base << " max m=" << max_m;
      }
    }
  }
}

// The first m with B_b(m) < 0, by the same brute force (0: none up to max_m).
std::int64_t brute_first_negative(long double base, int d, std::int64_t max_m) {
  for (std::int64_t m = 1; m <= max_m; ++m) {
    long double s = 0;
    for (int i = 0; i < d / 2; ++i) s += std::cos(m * std::pow(base, -2.0L * i / d));
    if (s < 0) return m;
  }
  return 0;
}

TEST(BaseBound, FirstInfeasibleDistanceMatchesBruteForce) {
  int found = 0;
  for (int d : {8, 16}) {
    for (double base = 2.0; base < 5e4; base *= 1.37) {
      const std::int64_t expected = brute_first_negative(base, d, 400);
      const auto got = first_infeasible_distance(base, d, 400);
      EXPECT_EQ(got.value_or(0), expected) << "d=" << d << " base=" << base;
      found += expected > 0;
    }
  }
  EXPECT_GT(found, 10);  // the sweep has infeasible bases, so the comparison means something
}

TEST(BaseBound, MinimalBaseIsFeasibleAndEverythingBelowOnTheGridIsNot) {
  for (std::int64_t length : {32, 100, 300}) {
    BaseBoundQuery q;
    q.head_dim = 16;
    q.context_length = length;
    q.grid_ratio = 1.01;
    const BaseBound b = minimal_base(q);
    ASSERT_TRUE(b.found);
    EXPECT_TRUE(brute_feasible(b.base, 16, length)) << length;
    EXPECT_FALSE(brute_feasible(b.infeasible_below, 16, length)) << length;
    EXPECT_LE(b.base / b.infeasible_below - 1.0, 1e-11);
    for (double base = q.search_from; base < b.infeasible_below; base *= q.grid_ratio) {
      ASSERT_FALSE(brute_feasible(base, 16, length)) << "feasible grid base " << base << " below " << b.base;
    }
  }
}

TEST(BaseBound, AgreesWithPublishedTable2) {
  // Men et al. Table 2 (d = 128), two significant digits: 1k 4.3e3, 4k 2.7e4. For 2k the paper
  // says 1.6e4 and the re-computation 1.2e4; we find 1.16e4 with m in [0, 2048].
  const struct {
    std::int64_t length;
    double table;
  } rows[] = {{1024, 4.3e3}, {4096, 2.7e4}, {2048, 1.2e4}};
  for (const auto& row : rows) {
    BaseBoundQuery q;
    q.context_length = row.length;
    const BaseBound b = minimal_base(q);
    ASSERT_TRUE(b.found);
    // Rounded to two significant digits the bound equals the table entry: within 5% below/above.
    EXPECT_NEAR(b.base / row.table, 1.0, 0.05) << row.length << " -> " << b.base;
  }
}

TEST(BaseBound, FeasibilityIsNotMonotoneInTheBase) {
  // L = 32768, d = 128: 6.3e5 keeps B >= 0 on [0, L], yet the larger 6.35e5 does not (its
  // first violation is below L), nor Table 2's 6.4e5, nor Qwen2's 1e6 (fails at 27115).
  // Bisection between an infeasible and a feasible base can therefore land anywhere.
  for (double base : {6.3e5, 6.35e5, 6.4e5, 1e6}) {
    const bool feasible = base == 6.3e5;
    EXPECT_EQ(base_is_feasible(base, 128, 32768), feasible) << base;
    EXPECT_EQ(brute_feasible(base, 128, 32768), feasible) << base;
  }
}

TEST(BaseBound, EndpointConventionChangesTheRange) {
  BaseBoundQuery q;
  q.head_dim = 16;
  q.context_length = 200;
  EXPECT_EQ(minimal_base(q).max_distance, 200);
  q.include_endpoint = false;
  EXPECT_EQ(minimal_base(q).max_distance, 199);
}

TEST(BaseBound, ResultsDoNotDependOnTheThreadCount) {
  // The grid walk is one OpenMP loop per batch of bases: with 1, 3 and 8 threads every field,
  // the bases evaluated included, must be identical (non-monotone windows too: recheck above).
  BaseBoundQuery q;
  q.head_dim = 32;
  q.context_length = 2000;
  q.grid_ratio = 1.002;
  q.recheck_above = 1.5;
  const int saved = omp_get_max_threads();
  std::vector<BaseBound> runs;
  for (int threads : {1, 3, 8}) {
    omp_set_num_threads(threads);
    runs.push_back(minimal_base(q));
  }
  omp_set_num_threads(saved);
  ASSERT_TRUE(runs[0].found);
  for (size_t r = 1; r < runs.size(); ++r) {
    EXPECT_EQ(runs[r].base, runs[0].base) << "run " << r;
    EXPECT_EQ(runs[r].infeasible_below, runs[0].infeasible_below) << "run " << r;
    EXPECT_EQ(runs[r].grid_points, runs[0].grid_points) << "run " << r;
    ASSERT_EQ(runs[r].infeasible_above.size(), runs[0].infeasible_above.size()) << "run " << r;
    for (size_t i = 0; i < runs[0].infeasible_above.size(); ++i) {
      EXPECT_EQ(runs[r].infeasible_above[i].from, runs[0].infeasible_above[i].from) << "run " << r << " window " << i;
      EXPECT_EQ(runs[r].infeasible_above[i].to, runs[0].infeasible_above[i].to) << "run " << r << " window " << i;
    }
  }
}

TEST(BaseBound, InfeasibleRunsAboveTheBoundAreSeparatedByFeasibleBases) {
  // Found by tests/ref/base_bound_windows_search.py: d = 16, L = 97, grid 2 * 1.05^k. Above the
  // first feasible grid base the grid reads (feasible ., infeasible X) .XXXXXXXXXXXXXXXXXXXX.XXXXXXX:
  // two infeasible runs with one feasible base between them, every base at least 1e-9 from
  // B = 0 (the script checks), so the long double oracle here and the library agree on signs.
  BaseBoundQuery q;
  q.head_dim = 16;
  q.context_length = 97;
  q.grid_ratio = 1.05;
  q.recheck_above = std::pow(1.05, 29.5);  // floor(29.5) = 29 grid bases above b*, no rounding edge
  const BaseBound b = minimal_base(q);
  ASSERT_TRUE(b.found);
  const auto grid = [&](int k) { return q.search_from * std::pow(q.grid_ratio, static_cast<double>(k)); };
  int first = 0;
  while (!brute_feasible(grid(first), 16, 97)) ++first;
  ASSERT_LE(b.infeasible_below, grid(first));
  ASSERT_GE(b.infeasible_below, grid(first - 1));
  // The runs, from the oracle: maximal stretches of infeasible grid bases in (b_first, b_first+29].
  std::vector<BaseInterval> want;
  bool previous_infeasible = false;
  for (int j = 1; j <= 29; ++j) {
    const bool infeasible = !brute_feasible(grid(first + j), 16, 97);
    if (infeasible && previous_infeasible) want.back().to = grid(first + j);
    if (infeasible && !previous_infeasible) want.push_back({grid(first + j), grid(first + j)});
    previous_infeasible = infeasible;
  }
  ASSERT_EQ(want.size(), 2u) << "precondition: the oracle sees two runs (tests/ref/base_bound_windows_search.py)";
  ASSERT_EQ(b.infeasible_above.size(), want.size()) << "a feasible base between two infeasible runs must split them";
  for (size_t i = 0; i < want.size(); ++i) {
    // Both sides compute 2 * pow(1.05, k) with the same k: equal doubles.
    EXPECT_EQ(b.infeasible_above[i].from, want[i].from) << "run " << i;
    EXPECT_EQ(b.infeasible_above[i].to, want[i].to) << "run " << i;
  }
}

TEST(BaseBound, RejectsBadInput) {
  BaseBoundQuery q;
  q.context_length = 0;
  EXPECT_THROW(minimal_base(q), InputError);
  q.context_length = 100;
  q.head_dim = 7;
  EXPECT_THROW(minimal_base(q), InputError);
  q.head_dim = 16;
  q.grid_ratio = 1.0;
  EXPECT_THROW(minimal_base(q), InputError);
}

}  // namespace
}  // namespace hopelab
