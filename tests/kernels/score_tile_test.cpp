// kernels/score_tile.h against a reference written here: every score of the tile is summed in
// long double from the unpacked operands, and a sign is only asserted where the reference
// clears the rounding bound of the kernel's sum. Bound (Higham, Accuracy and Stability, 3.1):
// a dot product of n terms summed in order in T, each product fused or not, is off by at most
// gamma_n sum_k |x_k w_k|, gamma_n = n u / (1 - n u), u = eps_T / 2.

#include "kernels/score_tile.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace {

using LD = long double;

template <typename T>
LD gamma_n(int n) {
  const LD nu = n * static_cast<LD>(std::numeric_limits<T>::epsilon()) / 2;
  return nu / (1 - nu);
}

// One tile of S samples x M offsets over two_p components, random operands, and the counts
// the reference certifies: wins[j] must lie in [sure[j], possible[j]].
template <typename T, int S, int M>
void check_random_tile(int two_p, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal;
  std::vector<T> x(static_cast<size_t>(two_p * S)), w(static_cast<size_t>(two_p * M));
  for (T& v : x) v = static_cast<T>(normal(rng));
  for (T& v : w) v = static_cast<T>(normal(rng));
  std::vector<std::int32_t> wins(M, 7);  // the kernel adds to what is there
  hopelab::count_positive_scores<T, S, M>(x.data(), w.data(), two_p, wins.data());
  int undecided = 0;
  for (int j = 0; j < M; ++j) {
    int sure = 0, possible = 0;
    for (int i = 0; i < S; ++i) {
      LD score = 0, magnitude = 0;
      for (int k = 0; k < two_p; ++k) {
        const LD term = static_cast<LD>(x[static_cast<size_t>(k * S + i)]) * static_cast<LD>(w[static_cast<size_t>(k * M + j)]);
        score += term;
        magnitude += std::fabs(term);
      }
      const LD bound = gamma_n<T>(two_p) * magnitude;
      sure += score > bound;
      possible += score > -bound;
    }
    undecided += possible - sure;
    EXPECT_GE(wins[static_cast<size_t>(j)] - 7, sure) << "offset " << j;
    EXPECT_LE(wins[static_cast<size_t>(j)] - 7, possible) << "offset " << j;
  }
  // The interval is informative: at most a few scores fall within rounding of zero.
  EXPECT_LE(undecided, 2) << "seed " << seed;
}

TEST(ScoreTile, CountsCertifiedByALongDoubleReference) {
  for (std::uint32_t seed = 1; seed <= 20; ++seed) {
    check_random_tile<float, 16, 16>(128, seed);
    check_random_tile<double, 16, 8>(128, seed);
    check_random_tile<float, 4, 4>(6, seed);
    check_random_tile<double, 3, 5>(2, seed);
  }
}

TEST(ScoreTile, ExactSmallIntegerCase) {
  // x_i = (i - 1, 1), w_j = (1, -j): score(i, j) = i - 1 - j, exact in any precision.
  constexpr int S = 4, M = 3;
  const std::vector<float> x = {-1, 0, 1, 2, /* k = 1 */ 1, 1, 1, 1};
  const std::vector<float> w = {1, 1, 1, /* k = 1 */ 0, -1, -2};
  std::vector<std::int32_t> wins(M, 0);
  hopelab::count_positive_scores<float, S, M>(x.data(), w.data(), 2, wins.data());
  // j = 0: scores -1, 0, 1, 2 -> 2 wins (0 is not a win); j = 1: -2..1 -> 1; j = 2: -3..0 -> 0.
  EXPECT_EQ(wins, (std::vector<std::int32_t>{2, 1, 0}));
}

}  // namespace
