// The model's layout and positions: the layout read off input_ids equals the parsed layout
// string, positions equal theory's assign_positions of it for every method, Qwen2-VL's
// get_rope_index docstring example holds, and generated tokens extend the last text run.

#include <gtest/gtest.h>

#include "sim/vlm/vlm_positions.h"
#include "vlm_fixture.h"

namespace hopelab {
namespace {

void expect_same_layout(const Layout& expected, const Layout& actual) {
  ASSERT_EQ(expected.size(), actual.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(expected[i].kind, actual[i].kind) << "segment " << i;
    EXPECT_EQ(expected[i].token_count(), actual[i].token_count()) << "segment " << i;
    EXPECT_EQ(expected[i].frames, actual[i].frames) << "segment " << i;
    EXPECT_EQ(expected[i].height, actual[i].height) << "segment " << i;
    EXPECT_EQ(expected[i].width, actual[i].width) << "segment " << i;
  }
}

TEST(VlmPositions, LayoutOfTheFixtureIsItsLayoutString) {
  const VlmConfig config = vlm_preset("tiny");
  // text 5 + vision start; image (1, 4, 4) -> 2x2; end + text 3 + start; video (2, 4, 6) ->
  // 2x2x3; end + text 4.
  expect_same_layout(parse_layout("text:6,image:2x2,text:5,video:2x2x3,text:5"),
                     vlm_layout(config, vlm_test::fixture_input(config, 5)));
}

TEST(VlmPositions, PositionsEqualAssignPositionsForEveryMethod) {
  const VlmConfig config = vlm_preset("tiny");
  const VlmInput input = vlm_test::fixture_input(config, 5);
  const Layout layout = parse_layout("text:6,image:2x2,text:5,video:2x2x3,text:5");
  for (const char* name : {"vanilla", "mrope", "mrope-interleave", "videorope", "hope", "v2pe", "tad-rope"}) {
    VlmRotary rotary = vlm_test::fixture_rotary(name);
    if (std::string(name) == "hope") rotary.options.gamma = 0.5;
    const Method method = language_method(config, rotary);
    const PositionIds expected = assign_positions(method.design, layout);
    const PositionIds actual = vlm_positions(config, rotary, input);
    ASSERT_EQ(actual.size(), expected.size()) << name;
    for (std::int64_t i = 0; i < expected.size(); ++i) {
      ASSERT_TRUE(actual.at(i) == expected.at(i)) << name << ": token " << i << ": expected (" << expected.t[i] << ", "
                                                  << expected.h[i] << ", " << expected.w[i] << "), actual ("
                                                  << actual.t[i] << ", " << actual.h[i] << ", " << actual.w[i] << ")";
    }
  }
}

TEST(VlmPositions, Qwen2VlDocstringExample) {
  // get_rope_index's example: a video of 3 x 2 x 2 LLM tokens, then 5 text tokens.
  const VlmConfig config = vlm_preset("tiny");
  VlmInput input;
  input.video_grid_thw = {{3, 4, 4}};
  for (int i = 0; i < 12; ++i) input.input_ids.push_back(config.video_token_id);
  for (int i = 0; i < 5; ++i) input.input_ids.push_back(i + 1);
  const PositionIds p = vlm_positions(config, VlmRotary{"mrope", {}}, input);
  const std::vector<double> t = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 4, 5, 6, 7};
  const std::vector<double> h = {0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 3, 4, 5, 6, 7};
  const std::vector<double> w = {0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 3, 4, 5, 6, 7};
  EXPECT_EQ(p.t, t);
  EXPECT_EQ(p.h, h);
  EXPECT_EQ(p.w, w);
}

TEST(VlmPositions, GeneratedTokensExtendTheLastTextRun) {
  expect_same_layout(parse_layout("text:2,image:2x2,text:5"),
                     extend_last_text(parse_layout("text:2,image:2x2,text:3"), 2));
  expect_same_layout(parse_layout("text:2,video:2x2x2,text:1"), extend_last_text(parse_layout("text:2,video:2x2x2"), 1));
}

TEST(VlmPositions, OffsetIsAddedToEveryAxis) {
  const VlmConfig config = vlm_preset("tiny");
  const VlmInput input = vlm_test::fixture_input(config, 5);
  const VlmRotary rotary{"videorope", {}};
  const PositionIds plain = vlm_positions(config, rotary, input), moved = vlm_positions(config, rotary, input, 7.5);
  for (std::int64_t i = 0; i < plain.size(); ++i) {
    const Position3 a = plain.at(i), b = moved.at(i);
    ASSERT_TRUE(b.t == a.t + 7.5 && b.h == a.h + 7.5 && b.w == a.w + 7.5) << "token " << i;
  }
}

// Decode serves positions from a look-ahead refilled every kDecodeAhead tokens. Every generated
// token's position, at and across three refills, must equal the one a full prefill of the whole
// sequence assigns it (the prompt's layout with its last text run grown, positions laid out from
// scratch), for every design and for prompts ending in text or in a visual run.
TEST(VlmPositions, DecodePositionsAcrossLookAheadRefillsEqualAFullPrefill) {
  const VlmConfig config = vlm_preset("tiny");
  for (const char* layout_text : {"text:3,video:2x2x3,text:2", "text:2,image:2x2"}) {
    const Layout prompt = parse_layout(layout_text);
    std::int64_t prompt_tokens = 0;
    for (const Segment& s : prompt) prompt_tokens += s.token_count();
    for (const char* name : {"vanilla", "mrope", "videorope", "hope", "v2pe", "tad-rope"}) {
      const Method method = language_method(config, vlm_test::fixture_rotary(name));
      const double offset = 2.5;
      Layout layout = prompt;
      PositionIds ahead;  // empty after prefill
      const std::int64_t generated = 3 * (kDecodeAhead + 1) + 2;
      const PositionIds full = vlm_positions(method, extend_last_text(prompt, generated), offset);
      for (std::int64_t n = 0; n < generated; ++n) {
        const std::int64_t cached = prompt_tokens + n;
        const Position3 got = next_decode_position(method, offset, cached, &layout, &ahead);
        const Position3 want = full.at(cached);
        ASSERT_TRUE(got == want) << layout_text << ", " << name << ": generated token " << n << " (token " << cached
                                 << "): expected (" << want.t << ", " << want.h << ", " << want.w << "), actual ("
                                 << got.t << ", " << got.h << ", " << got.w << ")";
      }
    }
  }
}

}  // namespace
}  // namespace hopelab
