// own_preference (sim/train/own_preference.h) against the attention scores themselves: with the
// pools' rows q_r, k_s and R_p the rotation at position p, the preference of a query Delta f
// frames after the key is
//   D = mean_r (R_{p+o} q_r) . (R_p q_r) - mean_{r,s} (R_{p+o} q_r) . (R_p k_s),  o = frame_offset,
// computed here in long double from the rows and rotations directly (not from pair products).
// The twin, the query Delta f frames before the key (o -> -o), must miss where the pools' means
// differ (the sin part of the mean term).

#include <gtest/gtest.h>

#include <cmath>

#include "sim/train/needle_task.h"
#include "sim/train/own_preference.h"
#include "sim/train/qk_rows.h"
#include "sim/vlm/presets.h"
#include "sim/vlm/random_weights.h"
#include "theory/position_design.h"

namespace hopelab {
namespace {

// R(phi) at an offset: phi_i = theta_i * offset[axis_i], 0 on zero pairs (theory/allocation.h).
std::vector<long double> angles_at(const RotaryTable& t, const Position3& p) {
  std::vector<long double> a(t.theta.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double x = t.allocation.axis[i] == Axis::t ? p.t : t.allocation.axis[i] == Axis::h ? p.h : p.w;
    a[i] = t.allocation.zero[i] ? 0.0L : static_cast<long double>(t.theta[i]) * x;
  }
  return a;
}

// (R(phi_q) q) . (R(phi_k) k) in long double, pairs (i, i + d/2) as the VLM rotates them.
long double score(const float* q, const float* k, const std::vector<long double>& phi_q,
                  const std::vector<long double>& phi_k, int d) {
  long double s = 0;
  for (int i = 0; i < d / 2; ++i) {
    const long double qa = q[i], qb = q[i + d / 2], ka = k[i], kb = k[i + d / 2];
    const long double cq = std::cos(phi_q[i]), sq = std::sin(phi_q[i]), ck = std::cos(phi_k[i]), sk = std::sin(phi_k[i]);
    s += (qa * cq - qb * sq) * (ka * ck - kb * sk) + (qa * sq + qb * cq) * (ka * sk + kb * ck);
  }
  return s;
}

TEST(OwnPreference, IsTheMeanScoreDifferenceOfThePools) {
  const VlmConfig c = vlm_preset("needle");
  for (const char* method : {"mrope", "videorope"}) {
    VlmRotary rotary;
    rotary.method = method;
    const VlmModel model(c, random_weights(c, 8), rotary);
    NeedleTask task;
    task.seed = 1;
    task.variant = NeedleVariant::marked;
    const VlmInput prompt = needle_example_at(c, task, 3, 6, 2).input;
    const std::vector<std::int64_t> apart = {1, 2, 5, 40};
    const OwnPreference own = own_preference(model, prompt, task.grid_height, task.grid_width, apart);
    const int d = c.head_dim(), heads = c.num_attention_heads, group = heads / c.num_key_value_heads;
    const RotaryTable table = language_rotary(model.method());
    ASSERT_EQ(own.value.size(), static_cast<std::size_t>(c.num_hidden_layers * heads) * apart.size());
    bool twin_missed = false;
    const QkRows qk = unrotated_qk(model, prompt);
    for (int layer = 0; layer < c.num_hidden_layers; ++layer) {
      const std::vector<float>& queries = qk.queries[static_cast<std::size_t>(layer)];
      const std::vector<float>& keys = qk.keys[static_cast<std::size_t>(layer)];
      std::vector<std::int64_t> video;
      for (std::size_t r = 0; r < prompt.input_ids.size(); ++r) {
        if (prompt.input_ids[r] == c.video_token_id) video.push_back(static_cast<std::int64_t>(r));
      }
      const auto n = static_cast<long double>(video.size());
      for (int h = 0; h < heads; ++h) {
        for (std::size_t m = 0; m < apart.size(); ++m) {
          const Position3 o = frame_offset(model.method().design, apart[m], task.grid_height, task.grid_width);
          const auto brute = [&](const Position3& offset) {
            const std::vector<long double> at_key = angles_at(table, Position3{0, 0, 0});
            const std::vector<long double> at_query = angles_at(table, offset);
            long double self = 0, cross = 0;
            for (std::int64_t r : video) {
              const float* q = queries.data() + r * heads * d + h * d;
              self += score(q, q, at_query, at_key, d);
              for (std::int64_t s : video) {
                cross += score(q, keys.data() + s * (heads / group) * d + (h / group) * d, at_query, at_key, d);
              }
            }
            return self / n - cross / (n * n);
          };
          const long double want = brute(o);
          const double got = own.value[(static_cast<std::size_t>(layer * heads + h)) * apart.size() + m];
          // Double sums of n^2 = 576 scores against long double: 1e-9 relative is far above their
          // rounding (~576 * 1e-16 of the largest score) and far below any signal.
          EXPECT_NEAR(got, static_cast<double>(want), 1e-9 * (1 + std::fabs(static_cast<double>(want))))
              << method << " layer " << layer << " head " << h << " apart " << apart[m];
          const long double mirrored = brute(Position3{-o.t, -o.h, -o.w});
          if (std::fabs(static_cast<double>(mirrored) - got) > 1e-6 * (1 + std::fabs(got))) twin_missed = true;
        }
        // first_negative: the first distance with D < 0, or -1.
        std::int64_t first = -1;
        for (std::size_t m = 0; m < apart.size() && first < 0; ++m) {
          if (own.value[(static_cast<std::size_t>(layer * heads + h)) * apart.size() + m] < 0) first = apart[m];
        }
        EXPECT_EQ(own.first_negative[static_cast<std::size_t>(layer * heads + h)], first);
      }
    }
    EXPECT_TRUE(twin_missed) << method << ": the mirrored offset matched everywhere";
  }
}

}  // namespace
}  // namespace hopelab
