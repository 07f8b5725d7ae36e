// Relativity of the model's rotary: a constant added to every axis of every LLM position leaves
// the logits unchanged for vanilla, mrope, mrope-interleave, videorope and hope, within twice the
// forward error bound; a twin moving only the second half of the tokens (absolute, not
// relative) must break the same check. And the vision rotary table is Qwen2-VL's 2D rotary.

#include <gtest/gtest.h>

#include <cmath>

#include "sim/vlm/logit_tolerance.h"
#include "sim/vlm/vlm_model.h"
#include "sim/vlm/vlm_positions.h"
#include "vlm_fixture.h"

namespace hopelab {
namespace {

constexpr double kShift = 4099.25;  // large against the prompt (about 40 positions), fractional

struct ShiftCheck {
  bool invariant;
  std::string detail;
};

// Logits at positions p and p' for the fixture prompt; invariant when they agree within twice
// logit_tolerance (sim/vlm/logit_tolerance.h): both runs are within it of the same exact logits when the
// shift is a constant, the angle rounding being part of that bound.
ShiftCheck compare_positions(const std::string& method, bool constant_shift) {
  const VlmConfig config = vlm_preset("tiny");
  const VlmModel model(config, vlm_test::fixture_weights(config, 41), vlm_test::fixture_rotary(method));
  const VlmInput input = vlm_test::fixture_input(config, 5);
  const std::vector<float> base = model.prefill(input);
  PrefillOptions options;
  PositionIds moved = vlm_positions(model.method(), vlm_layout(config, input));
  const std::size_t from = constant_shift ? 0 : moved.t.size() / 2;  // twin: only the second half moves
  for (std::vector<double>* axis : {&moved.t, &moved.h, &moved.w}) {
    for (std::size_t i = from; i < axis->size(); ++i) (*axis)[i] += kShift;
  }
  options.positions = moved;
  const std::vector<float> shifted = model.prefill(input, nullptr, options);
  const double tol = 2.0 * logit_tolerance(config, 24, static_cast<std::int64_t>(input.input_ids.size()),
                                                     vlm_test::max_abs(base));
  const test::WorstElement worst = test::worst_element(base, shifted, tol);
  return {worst.ok(), method + ": " + worst.message(9)};
}

TEST(VlmRotary, ConstantPositionShiftLeavesLogitsUnchanged) {
  for (const char* method : {"vanilla", "mrope", "mrope-interleave", "videorope", "hope"}) {
    const ShiftCheck check = compare_positions(method, true);
    EXPECT_TRUE(check.invariant) << check.detail;
  }
}

TEST(VlmRotary, TwinShiftingHalfTheTokensMustBreakInvariance) {
  for (const char* method : {"vanilla", "mrope", "mrope-interleave", "videorope", "hope"}) {
    const ShiftCheck check = compare_positions(method, false);
    EXPECT_FALSE(check.invariant) << "the check did not see a non-relative shift: " << check.detail;
  }
}

TEST(VlmRotary, PositionOffsetOptionEqualsShiftedPositions) {
  const VlmConfig config = vlm_preset("tiny");
  const VlmModel model(config, vlm_test::fixture_weights(config, 41), VlmRotary{"videorope", {}});
  const VlmInput input = vlm_test::fixture_input(config, 5);
  PrefillOptions by_offset, by_positions;
  by_offset.position_offset = kShift;
  by_positions.positions = vlm_positions(model.method(), vlm_layout(config, input), kShift);
  const PositionIds plain = vlm_positions(model.method(), vlm_layout(config, input));
  for (std::int64_t i = 0; i < plain.size(); ++i) {
    ASSERT_EQ(by_positions.positions->t[static_cast<std::size_t>(i)], plain.t[static_cast<std::size_t>(i)] + kShift) << "token " << i;
  }
  // Same positions, same arithmetic: identical logits.
  EXPECT_EQ(model.prefill(input, nullptr, by_offset), model.prefill(input, nullptr, by_positions));
}

TEST(VlmRotary, VisionTableIsQwen2Vl2dRotary) {
  const VisionConfig vision = vlm_preset("base100m").vision;  // D_v = 64
  const RotaryTable table = vision_rotary(vision);
  const int dv = vision.head_dim();
  ASSERT_EQ(table.allocation.pairs(), dv / 2);
  for (int i = 0; i < dv / 2; ++i) {
    const int j = i % (dv / 4);
    const long double omega = powl(10000.0L, -2.0L * j / (dv / 2.0L));  // 10000^(-2j/(D_v/2))
    // rope_frequency's pow in double: within 2 double ulps.
    const double tol = 4.0 * std::numeric_limits<double>::epsilon() * static_cast<double>(omega);
    EXPECT_LE(std::fabs(table.theta[static_cast<std::size_t>(i)] - static_cast<double>(omega)), tol) << "pair " << i;
    EXPECT_EQ(table.allocation.axis[static_cast<std::size_t>(i)], i < dv / 4 ? Axis::h : Axis::w) << "pair " << i;
    EXPECT_EQ(table.allocation.zero[static_cast<std::size_t>(i)], 0) << "pair " << i;
  }
}

}  // namespace
}  // namespace hopelab
