// kernels/attention_tile.h: the properties the fused attention (sim/vlm/attention.cpp) relies on.
// Its values against a softmax in long double are tested through sim/vlm's attention
// (tests/sim/vlm/attention_test.cpp). Here: a row's state depends only on its own query and keys
// (bit-identical in any row slot, beside any rows); a tile a row does not see leaves its state
// bit-identical (so the caller may skip it); the max moves only beyond the slack, and then to
// c times the tile's max; a key far above the others after many tiles gives its value.

#include "kernels/attention_tile.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

namespace {

using hopelab::kFloatLanes;

constexpr int D = 32, R = 4, TV = 2, T = TV * kFloatLanes;
const float kScale = static_cast<float>(M_LOG2E / std::sqrt(32.0));  // c = log2(e) / sqrt(d)

// A packed key tile: k (D, T) and v (T, D), from keys given row by row (T, D).
struct Tile {
  std::vector<float> k = std::vector<float>(D * T), v = std::vector<float>(D * T);
  void set_key(int j, const std::vector<float>& key, const std::vector<float>& value) {
    for (int c = 0; c < D; ++c) {
      k[static_cast<std::size_t>(c * T + j)] = key[static_cast<std::size_t>(c)];
      v[static_cast<std::size_t>(j * D + c)] = value[static_cast<std::size_t>(c)];
    }
  }
};

// A small deterministic generator in [-1, 1).
struct Numbers {
  std::uint64_t state;
  float next() {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<float>(static_cast<double>(state >> 40) / 8388608.0 - 1.0);
  }
  std::vector<float> vector(int n, float scale) {
    std::vector<float> x(static_cast<std::size_t>(n));
    for (float& e : x) e = scale * next();
    return x;
  }
};

Tile random_tile(std::uint64_t seed) {
  Numbers g{seed};
  Tile t;
  for (int j = 0; j < T; ++j) t.set_key(j, g.vector(D, 2.0f), g.vector(D, 1.0f));
  return t;
}

// The state of R rows: max (R), sum (R, lanes), acc (R, D); q (R, D).
struct Rows {
  std::vector<float> q = std::vector<float>(R * D, 0.0f);
  std::vector<float> max = std::vector<float>(R, -std::numeric_limits<float>::infinity());
  std::vector<float> sum = std::vector<float>(R * kFloatLanes, 0.0f);
  std::vector<float> acc = std::vector<float>(R * D, 0.0f);
  std::vector<float> p = std::vector<float>(R * T);

  void attend(const Tile& t, const std::int32_t* visible = nullptr) {
    int used = T;
    if (visible != nullptr) {
      used = 0;
      for (int r = 0; r < R; ++r) used = std::max(used, static_cast<int>(visible[r]));
    }
    hopelab::attend_tile<D, R, TV>(q.data(), t.k.data(), t.v.data(), kScale, visible, used, max.data(), sum.data(),
                                   acc.data(), p.data());
  }
  void set_query(int r, const std::vector<float>& x) { std::copy(x.begin(), x.end(), q.begin() + r * D); }
  // Row r's state, as bits.
  std::vector<float> state(int r) const {
    std::vector<float> s(1 + kFloatLanes + D);
    s[0] = max[static_cast<std::size_t>(r)];
    std::copy_n(&sum[static_cast<std::size_t>(r * kFloatLanes)], kFloatLanes, &s[1]);
    std::copy_n(&acc[static_cast<std::size_t>(r * D)], D, &s[1 + kFloatLanes]);
    return s;
  }
  float out(int r, int c) const {
    double total = 0.0;
    for (int i = 0; i < kFloatLanes; ++i) total += sum[static_cast<std::size_t>(r * kFloatLanes + i)];
    return static_cast<float>(acc[static_cast<std::size_t>(r * D + c)] / total);
  }
};

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

TEST(AttentionTile, RowStateDependsOnlyOnItsOwnQuery) {
  const std::vector<Tile> tiles{random_tile(1), random_tile(2), random_tile(3)};
  const std::vector<float> query = Numbers{7}.vector(D, 1.5f);
  std::vector<float> reference;
  for (int slot = 0; slot < R; ++slot) {
    Rows rows;
    Numbers partners{100 + static_cast<std::uint64_t>(slot)};
    for (int r = 0; r < R; ++r) rows.set_query(r, r == slot ? query : partners.vector(D, 3.0f));
    const std::int32_t visible[R] = {T, T / 2, 1, T - 1};  // the last tile masked differently per slot
    std::int32_t last[R];
    for (int r = 0; r < R; ++r) last[r] = visible[(r - slot + R) % R];
    rows.attend(tiles[0]);
    rows.attend(tiles[1]);
    rows.attend(tiles[2], last);
    if (slot == 0) {
      reference = rows.state(slot);
    } else {
      EXPECT_TRUE(same_bits(rows.state(slot), reference)) << "row slot " << slot;
    }
  }
  // Twin: another query in the slot changes the state.
  Rows other;
  other.set_query(0, Numbers{8}.vector(D, 1.5f));
  other.attend(tiles[0]);
  other.attend(tiles[1]);
  const std::int32_t all[R] = {T, T, T, T};
  other.attend(tiles[2], all);
  EXPECT_FALSE(same_bits(other.state(0), reference));
}

TEST(AttentionTile, AnUnseenTileLeavesTheStateUnchanged) {
  Rows rows;
  Numbers g{11};
  for (int r = 0; r < R; ++r) rows.set_query(r, g.vector(D, 1.5f));
  rows.attend(random_tile(4));
  rows.attend(random_tile(5));
  std::vector<std::vector<float>> before;
  for (int r = 0; r < R; ++r) before.push_back(rows.state(r));
  // Row 1 sees nothing of the next tile, the others some of it; then nobody sees the one after.
  const std::int32_t some[R] = {3, 0, T, 1};
  rows.attend(random_tile(6), some);
  EXPECT_TRUE(same_bits(rows.state(1), before[1]));
  EXPECT_FALSE(same_bits(rows.state(0), before[0]));  // twin: a row that sees keys changes
  std::vector<std::vector<float>> after;
  for (int r = 0; r < R; ++r) after.push_back(rows.state(r));
  const std::int32_t none[R] = {0, 0, 0, 0};
  rows.attend(random_tile(7), none);
  for (int r = 0; r < R; ++r) EXPECT_TRUE(same_bits(rows.state(r), after[static_cast<std::size_t>(r)])) << "row " << r;
}

// Row r's query is e_0 a (r + 1): the scores are a (r + 1) k_j[0], so tiles of chosen first
// components set c s exactly. Row 0 stays within the slack where row 1 (twice its scores) goes
// beyond it and raises: row 0's max must still stay.
TEST(AttentionTile, MaxMovesOnlyBeyondTheSlackThenToTheTileMax) {
  const float a = 4.0f;
  Rows rows;
  for (int r = 0; r < R; ++r) {
    std::vector<float> query(D, 0.0f);
    query[0] = a * static_cast<float>(r + 1);
    rows.set_query(r, query);
  }
  const auto tile_with_max = [&](float top, std::uint64_t seed) {  // every key's k[0] <= top, one at top
    Numbers g{seed};
    Tile t;
    for (int j = 0; j < T; ++j) {
      std::vector<float> key = g.vector(D, 1.0f);
      key[0] = j == T / 3 ? top : top - 1.0f + 0.5f * g.next();
      t.set_key(j, key, g.vector(D, 1.0f));
    }
    return t;
  };
  rows.attend(tile_with_max(1.0f, 1));
  const float first = rows.max[0];
  EXPECT_EQ(first, (a * 1.0f) * kScale);  // the first tile sets m = c max_j s_j
  // Row 0's scores up to m + 0.99 slack (in log2 units): its m stays, though row 1's moves.
  const float within = 1.0f + 0.99f * hopelab::kAttentionMaxSlack / (a * kScale);
  const float row1_before = rows.max[1];
  rows.attend(tile_with_max(within, 2));
  EXPECT_EQ(rows.max[0], first);
  EXPECT_EQ(rows.max[1], (2.0f * a * within) * kScale) << "row 1 was " << row1_before;
  // Beyond it: m = c max_j s_j of the new tile.
  const float beyond = within + 1.01f * hopelab::kAttentionMaxSlack / (a * kScale);
  rows.attend(tile_with_max(beyond, 3));
  EXPECT_EQ(rows.max[0], (a * beyond) * kScale);
}

TEST(AttentionTile, ADominantKeyAfterManyTilesGivesItsValue) {
  Rows rows;
  Numbers g{21};
  for (int r = 0; r < R; ++r) rows.set_query(r, g.vector(D, 1.0f));
  for (std::uint64_t t = 0; t < 8; ++t) rows.attend(random_tile(30 + t));
  // A key along each row's own query, so far above every score so far that the weights of all
  // others (< 2^-100 relative) vanish in float: out = that key's value, to rounding.
  Tile last = random_tile(50);
  const std::vector<float> value = g.vector(D, 1.0f);
  std::vector<float> zero(D, 0.0f);
  for (int j = 0; j < T; ++j) last.set_key(j, zero, zero);
  for (int r = 0; r < R; ++r) {
    std::vector<float> key(rows.q.begin() + r * D, rows.q.begin() + (r + 1) * D);
    double norm2 = 0.0;
    for (float x : key) norm2 += static_cast<double>(x) * x;
    for (float& x : key) x = static_cast<float>(x * 200.0 / norm2 * std::sqrt(32.0));  // q . k = 200 sqrt(d)
    Rows single = rows;  // one dominant key per row: each row in its own copy
    last.set_key(r, key, value);
    std::int32_t visible[R] = {T, T, T, T};
    single.attend(last, visible);
    last.set_key(r, zero, zero);
    for (int c = 0; c < D; ++c) {
      // out = (p_r v + tiny) / (1 + tiny): within a few roundings of v.
      EXPECT_NEAR(single.out(r, c), value[static_cast<std::size_t>(c)], 4e-7) << "row " << r << " dim " << c;
    }
  }
}

}  // namespace
