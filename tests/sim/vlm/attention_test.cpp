// The blocked attention (sim/vlm/attention.h) against a materialised softmax in long double, at
// lengths around the block sizes (64 queries x 256 keys), causal (with and without cached keys),
// full (a vision temporal patch), GQA; and the probe's weights against the same reference.

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

// The blocked attention raises a row's max at most once per key block: L/256 + 3 rescales.
void check_case(const Case& c) {
  vlm_test::check_attention([](const AttentionShape& s, const AttentionArgs& a) { attention(s, a); }, c,
                            static_cast<double>(c.keys) / 256.0 + 3.0);
}

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
