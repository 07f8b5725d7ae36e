// Cached decoding: the logits of each decoded token equal the last row of a prefill of the whole
// sequence (no cache), also when the prompt ends with a visual run; greedy generation equals
// argmax over full prefills and stops at eos.

#include <gtest/gtest.h>

#include "sim/vlm/logit_tolerance.h"
#include "sim/vlm/vlm_model.h"
#include "vlm_fixture.h"

namespace hopelab {
namespace {

void check_decode(const VlmInput& prompt, const std::string& method) {
  const VlmConfig config = vlm_preset("tiny");
  const VlmModel model(config, vlm_test::fixture_weights(config, 21), VlmRotary{method, {}});
  KvCache cache;
  model.prefill(prompt, &cache);
  VlmInput whole = prompt;
  for (std::int64_t token : {17, 400, 3, 999}) {
    const std::vector<float> decoded = model.decode(token, &cache);
    whole.input_ids.push_back(token);
    PrefillOptions last;
    last.last_row_only = true;
    const std::vector<float> recomputed = model.prefill(whole, nullptr, last);
    // Both are float computations of the same exact logits, each within logit_tolerance of
    // them (sim/vlm/logit_tolerance.h; checked against long double by vlm_prefill_test): 2x.
    const std::int64_t length = static_cast<std::int64_t>(whole.input_ids.size());
    const double tol = 2.0 * logit_tolerance(config, 24, length, vlm_test::max_abs(recomputed));
    const test::WorstElement worst = test::worst_element(recomputed, decoded, tol);
    ASSERT_EQ(decoded.size(), recomputed.size());
    ASSERT_TRUE(worst.ok()) << method << ", token " << length - 1 << ": " << worst.message(9);
  }
  EXPECT_EQ(cache.length, static_cast<std::int64_t>(whole.input_ids.size()));
}

TEST(VlmDecode, CachedDecodeEqualsRecomputingTheSequence) {
  const VlmConfig config = vlm_preset("tiny");
  for (const char* method : {"mrope", "videorope", "hope"}) {
    check_decode(vlm_test::fixture_input(config, 5), method);
  }
}

TEST(VlmDecode, GeneratedTokensAfterAFinalVisualRunStartANewTextRun) {
  const VlmConfig config = vlm_preset("tiny");
  VlmInput prompt = vlm_test::fixture_input(config, 5);
  while (prompt.input_ids.back() != config.video_token_id) prompt.input_ids.pop_back();  // ends inside the video run
  check_decode(prompt, "mrope");
  check_decode(prompt, "hope");
}

TEST(VlmDecode, GreedyGenerationEqualsArgmaxOfFullPrefillsAndStopsAtEos) {
  VlmConfig config = vlm_preset("tiny");
  const TensorMap weights = vlm_test::fixture_weights(config, 31);
  const VlmInput prompt = vlm_test::fixture_input(config, 8);
  std::vector<std::int64_t> expected;
  {
    const VlmModel model(config, weights, VlmRotary{"mrope", {}});
    VlmInput whole = prompt;
    PrefillOptions last;
    last.last_row_only = true;
    for (int i = 0; i < 5; ++i) {
      expected.push_back(argmax_token(model.prefill(whole, nullptr, last)));
      whole.input_ids.push_back(expected.back());
    }
    EXPECT_EQ(model.generate(prompt, 5), expected);
  }
  config.eos_token_id = expected[1];  // the second generated token now ends generation
  const VlmModel stopping(config, weights, VlmRotary{"mrope", {}});
  EXPECT_EQ(stopping.generate(prompt, 5), (std::vector<std::int64_t>{expected[0], expected[1]}));
}

}  // namespace
}  // namespace hopelab
