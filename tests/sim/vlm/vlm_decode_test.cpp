// Cached decoding: the logits of each decoded token equal the last row of a prefill of the whole
// sequence (no cache), also when the prompt ends with a visual run; greedy generation equals
// argmax over full prefills and stops at eos.

#include <gtest/gtest.h>

#include "sim/vlm/logit_tolerance.h"
#include "sim/vlm/vlm_model.h"
#include "sim/vlm/vlm_positions.h"
#include "vlm_fixture.h"

namespace hopelab {
namespace {

// Decodes `tokens` after `prompt` and compares the logits of the decoded tokens whose index in
// `tokens` satisfies compare(k) with a full prefill of the sequence so far.
template <class Compare>
void check_decode(const VlmInput& prompt, const std::string& method, const std::vector<std::int64_t>& tokens,
                  Compare compare) {
  const VlmConfig config = vlm_preset("tiny");
  const VlmModel model(config, vlm_test::fixture_weights(config, 21), VlmRotary{method, {}});
  KvCache cache;
  model.prefill(prompt, &cache);
  VlmInput whole = prompt;
  for (std::size_t k = 0; k < tokens.size(); ++k) {
    const std::int64_t token = tokens[k];
    const std::vector<float> decoded = model.decode(token, &cache);
    whole.input_ids.push_back(token);
    if (!compare(k)) continue;
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

void check_decode(const VlmInput& prompt, const std::string& method) {
  check_decode(prompt, method, {17, 400, 3, 999}, [](std::size_t) { return true; });
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

TEST(VlmDecode, DecodeAtAndAcrossTheLookAheadRefillEqualsAFullPrefill) {
  // Decode's positions come from a look-ahead of kDecodeAhead tokens (sim/vlm/vlm_positions.h),
  // refilled when token prompt + kDecodeAhead + 1 is decoded: the first two and the last two
  // tokens served by the first fill, and the first two of the refill, are compared with a full
  // prefill (the rest are decoded only to move the cache forward).
  const VlmConfig config = vlm_preset("tiny");
  const std::size_t count = static_cast<std::size_t>(kDecodeAhead) + 4;
  std::vector<std::int64_t> tokens;
  for (std::size_t k = 0; k < count; ++k) tokens.push_back(static_cast<std::int64_t>(1 + (k * 37) % 900));
  const auto near_refill = [&](std::size_t k) {
    const auto ahead = static_cast<std::size_t>(kDecodeAhead);
    return k <= 1 || (k + 2 >= ahead && k <= ahead + 2);
  };
  for (const char* method : {"mrope", "tad-rope"}) check_decode(vlm_test::fixture_input(config, 5), method, tokens, near_refill);
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
