// The attention (sim/vlm/attention.h) against a materialised softmax in long double, at lengths
// around the block and tile sizes (64 queries x 256 keys; 48 queries, tiles of 64 keys), causal
// (with and without cached keys), full (a vision temporal patch), GQA; both of its paths on their
// own, and against each other on random shapes; the probe's weights against the same reference.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "attention_reference.h"
#include "sim/vlm/attention.h"

namespace hopelab {
namespace {

using vlm_test::Case;
using vlm_test::Data;
using vlm_test::kU;
using vlm_test::LD;

// A row's max is raised at most once per key block (blocked path: 256 keys) or key tile (fused
// path: 64 keys with AVX-512, 16 at the least): L/16 + 3 rescales covers both.
double rescales(const Case& c) { return static_cast<double>(c.keys) / 16.0 + 3.0; }

void check_case(const Case& c) {
  vlm_test::check_attention([](const AttentionShape& s, const AttentionArgs& a) { attention(s, a); }, c, rescales(c));
}

void fused(const AttentionShape& s, const AttentionArgs& a) { fused_attention(s, a); }
void blocked(const AttentionShape& s, const AttentionArgs& a) { blocked_attention(s, a); }

TEST(Attention, CausalGqaMatchesMaterialisedSoftmaxAroundBlockSizes) {
  for (std::int64_t n : {1, 2, 63, 64, 65, 255, 256, 257, 321}) {
    check_case({4, 2, 32, n, n, 0, AttentionMask::causal});
  }
}

TEST(Attention, CausalWithCachedKeysMatches) {
  check_case({4, 2, 32, 1, 300, 299, AttentionMask::causal});  // one decoded token
  check_case({4, 1, 16, 70, 513, 443, AttentionMask::causal}); // a chunk after 443 cached keys
}

TEST(Attention, FullMaskMatches) {
  for (std::int64_t n : {1, 16, 64, 65, 256, 300}) {
    check_case({2, 2, 16, n, n, 0, AttentionMask::full});
  }
}

TEST(Attention, BlockedPathMatchesMaterialisedSoftmax) {
  for (const Case& c : {Case{4, 2, 32, 65, 65, 0, AttentionMask::causal}, Case{4, 2, 32, 257, 257, 0, AttentionMask::causal},
                        Case{4, 1, 16, 70, 513, 443, AttentionMask::causal}, Case{2, 2, 16, 65, 65, 0, AttentionMask::full}}) {
    vlm_test::check_attention(blocked, c, rescales(c));
  }
}

// Every head dim the fused path takes; one query and one key past a tile or row tile; GQA
// groups of 1 to 6; cached keys; a single query; full masks.
const std::vector<Case>& fused_cases() {
  static const std::vector<Case> cases = {
      {4, 2, 32, 333, 333, 0, AttentionMask::causal},  {4, 2, 32, 1, 300, 299, AttentionMask::causal},
      {6, 1, 64, 49, 517, 468, AttentionMask::causal}, {12, 2, 64, 97, 97, 0, AttentionMask::causal},
      {2, 2, 128, 65, 65, 0, AttentionMask::causal},   {4, 4, 16, 129, 129, 0, AttentionMask::causal},
      {2, 2, 16, 77, 77, 0, AttentionMask::full},      {3, 3, 64, 17, 17, 0, AttentionMask::full},
      {2, 1, 32, 47, 1025, 978, AttentionMask::causal}};
  return cases;
}

TEST(Attention, FusedPathMatchesMaterialisedSoftmax) {
  for (const Case& c : fused_cases()) vlm_test::check_attention(fused, c, rescales(c));
}

TEST(Attention, FusedAndBlockedPathsAgreeOnRandomShapes) {
  for (const Case& c : fused_cases()) {
    const test::WorstElement worst = vlm_test::compare_attentions(fused, rescales(c), blocked, rescales(c), c);
    EXPECT_TRUE(worst.ok()) << "heads " << c.heads << "/" << c.kv_heads << " d " << c.d << " queries " << c.queries
                            << " keys " << c.keys << " offset " << c.offset << ": " << worst.message(9);
  }
}

// Twin: a fused attention whose queries each see one key too many differs beyond the bound.
TEST(Attention, TwinFusedSeeingOneKeyMoreDisagrees) {
  const Case c{4, 2, 32, 100, 100, 0, AttentionMask::causal};
  const auto one_more = [](const AttentionShape& s, const AttentionArgs& a) {
    AttentionArgs wider = a;
    wider.query_offset += 1;  // query i sees keys j <= i + 1
    fused_attention(s, wider);
  };
  EXPECT_FALSE(vlm_test::compare_attentions(one_more, rescales(c), blocked, rescales(c), c).ok());
}

// attention() picks the fused path where it fits (these values are bit-identical to it) and the
// blocked path elsewhere: a head dim of 24, a decode step.
TEST(Attention, DispatchesByHeadDimAndQueries) {
  for (const Case& c : {Case{4, 2, 32, 40, 40, 0, AttentionMask::causal}, Case{4, 2, 24, 40, 40, 0, AttentionMask::causal},
                        Case{4, 2, 32, 1, 40, 39, AttentionMask::causal}}) {
    vlm_test::Data x = vlm_test::random_data(c, 5);
    const auto size = static_cast<std::size_t>(c.queries * c.heads * c.d);
    std::vector<float> got(size), want(size);
    const AttentionShape shape{c.heads, c.kv_heads, c.d};
    attention(shape, vlm_test::args_of(c, &x, got.data()));
    const bool takes_fused = fused_attention_fits(c.d) && c.queries >= 16;
    (takes_fused ? fused_attention : blocked_attention)(shape, vlm_test::args_of(c, &x, want.data()));
    EXPECT_EQ(got, want) << "d " << c.d << " queries " << c.queries;
  }
  EXPECT_TRUE(fused_attention_fits(64));
  EXPECT_FALSE(fused_attention_fits(80));
}

TEST(Attention, ProbeWeightsMatchMaterialisedSoftmax) {
  const Case c{4, 2, 32, 300, 300, 0, AttentionMask::causal};
  Data x = vlm_test::random_data(c, 99);
  std::vector<float> out(static_cast<std::size_t>(c.queries * c.heads * c.d));
  const AttentionArgs a = vlm_test::args_of(c, &x, out.data());
  for (std::int64_t i : {0, 150, 299}) {
    std::vector<float> w(static_cast<std::size_t>(c.heads * c.keys), NAN);
    attention_weights(AttentionShape{c.heads, c.kv_heads, c.d}, a, i, w.data());
    for (int h = 0; h < c.heads; ++h) {
      double abs_sum = 0.0, smax = 0.0;
      const std::vector<LD> p = vlm_test::reference_weights(c, x, i, h, &abs_sum, &smax);
      for (std::int64_t j = 0; j < c.keys; ++j) {
        const double expected = static_cast<double>(p[static_cast<std::size_t>(j)]);
        const double actual = w[static_cast<std::size_t>(h * c.keys + j)];
        // Computed in double from float q, k: only the final rounding to float, u relative,
        // plus double rounding (negligible, < 1e-12 relative).
        const double tol = 2.0 * kU * expected + 1e-15;
        ASSERT_LE(std::fabs(actual - expected), tol) << "query " << i << " head " << h << " key " << j
                                                     << ": expected " << expected << ", actual " << actual
                                                     << ", tolerance " << tol;
      }
    }
  }
}

}  // namespace
}  // namespace hopelab
