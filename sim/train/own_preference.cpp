#include "sim/train/own_preference.h"

#include <string>

#include "sim/sampling.h"
#include "sim/train/qk_rows.h"
#include "theory/input_error.h"
#include "theory/position_design.h"

namespace hopelab {

OwnPreference own_preference(const VlmModel& model, const VlmInput& prompt, std::int64_t grid_height,
                             std::int64_t grid_width, const std::vector<std::int64_t>& frames_apart) {
  const VlmConfig& c = model.config();
  if (frames_apart.empty()) throw InputError("own preference: no frame distance given");
  std::vector<Offset3> offsets;
  for (std::int64_t f : frames_apart) {
    if (f < 1) throw InputError("own preference: frame distance " + std::to_string(f) + " is below 1");
    offsets.push_back(frame_offset(model.method().design, f, grid_height, grid_width));
  }
  std::vector<std::size_t> video;  // the prompt's video rows
  for (std::size_t r = 0; r < prompt.input_ids.size(); ++r) {
    if (prompt.input_ids[r] == c.video_token_id) video.push_back(r);
  }
  if (video.size() < 2) throw InputError("own preference: the prompt has fewer than 2 video tokens");

  const int d = c.head_dim(), heads = c.num_attention_heads, group = heads / c.num_key_value_heads;
  const std::size_t q_width = static_cast<std::size_t>(heads) * d;
  const std::size_t k_width = static_cast<std::size_t>(c.num_key_value_heads) * d;
  OwnPreference out;
  out.frames_apart = frames_apart;
  const QkRows qk = unrotated_qk(model, prompt);
  for (int layer = 0; layer < c.num_hidden_layers; ++layer) {
    const std::vector<float>& queries = qk.queries[static_cast<std::size_t>(layer)];
    const std::vector<float>& keys = qk.keys[static_cast<std::size_t>(layer)];
    for (int h = 0; h < heads; ++h) {
      PreferenceSampling pools;
      pools.law = ComponentLaw::empirical;
      for (std::size_t r : video) {
        const float* q = queries.data() + r * q_width + static_cast<std::size_t>(h) * d;
        const float* k = keys.data() + r * k_width + static_cast<std::size_t>(h / group) * d;
        pools.query_pool.insert(pools.query_pool.end(), q, q + d);
        pools.key_pool.insert(pools.key_pool.end(), k, k + d);
      }
      const std::vector<double> d_of =
          preference_from_pair_products(model.method(), expected_pair_products(model.method(), pools), offsets);
      std::int64_t first = -1;
      for (std::size_t m = 0; m < d_of.size() && first < 0; ++m) {
        if (d_of[m] < 0) first = frames_apart[m];
      }
      out.value.insert(out.value.end(), d_of.begin(), d_of.end());
      out.first_negative.push_back(first);
    }
  }
  return out;
}

}  // namespace hopelab
