#include "sim/train/qk_rows.h"

#include <utility>

#include "sim/train/backward_ops.h"
#include "sim/vlm/forward_tape.h"
#include "sim/vlm/vlm_graph.h"

namespace hopelab {

QkRows unrotated_qk(const VlmModel& model, const VlmInput& input) {
  const VlmConfig& c = model.config();
  ForwardTape<HostOps> tape;
  prefill_logits(HostOps{}, model, model.host_weights(), input, static_cast<KvCache*>(nullptr), PrefillOptions{}, &tape);
  QkRows out;
  out.rows = static_cast<std::int64_t>(input.input_ids.size());
  const int d = c.head_dim();
  const PairLayout layout = model.method().allocation.layout;
  for (int layer = 0; layer < c.num_hidden_layers; ++layer) {
    std::vector<float> q = std::move(tape.layers[static_cast<std::size_t>(layer)].q);
    std::vector<float> k = std::move(tape.keys[static_cast<std::size_t>(layer)]);
    rotate_backward(tape.angles.data(), out.rows, c.num_attention_heads, d, layout, q.data(),
                    static_cast<std::int64_t>(c.num_attention_heads) * d);
    rotate_backward(tape.angles.data(), out.rows, c.num_key_value_heads, d, layout, k.data(),
                    static_cast<std::int64_t>(c.num_key_value_heads) * d);
    out.queries.push_back(std::move(q));
    out.keys.push_back(std::move(k));
  }
  out.positions = model.prepare_prompt(input, PrefillOptions{}).positions;
  return out;
}

}  // namespace hopelab
