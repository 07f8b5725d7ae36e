#include "sim/train/qk_rows.h"

#include <string>

#include "sim/train/backward_ops.h"
#include "sim/vlm/forward_tape.h"
#include "sim/vlm/vlm_graph.h"
#include "theory/input_error.h"

namespace hopelab {

QkRows unrotated_qk(const VlmModel& model, const VlmInput& input, int layer) {
  const VlmConfig& c = model.config();
  if (layer < 0 || layer >= c.num_hidden_layers) {
    throw InputError("layer " + std::to_string(layer) + " is outside [0, " + std::to_string(c.num_hidden_layers) + ")");
  }
  ForwardTape<HostOps> tape;
  prefill_logits(HostOps{}, model, model.host_weights(), input, static_cast<KvCache*>(nullptr), PrefillOptions{}, &tape);
  QkRows out;
  out.layer = layer;
  out.rows = static_cast<std::int64_t>(input.input_ids.size());
  out.queries = tape.layers[static_cast<std::size_t>(layer)].q;
  out.keys = tape.keys[static_cast<std::size_t>(layer)];
  const int d = c.head_dim();
  const PairLayout layout = model.method().allocation.layout;
  rotate_backward(tape.angles.data(), out.rows, c.num_attention_heads, d, layout, out.queries.data(),
                  static_cast<std::int64_t>(c.num_attention_heads) * d);
  rotate_backward(tape.angles.data(), out.rows, c.num_key_value_heads, d, layout, out.keys.data(),
                  static_cast<std::int64_t>(c.num_key_value_heads) * d);
  out.positions = model.prepare_prompt(input, PrefillOptions{}).positions;
  return out;
}

}  // namespace hopelab
