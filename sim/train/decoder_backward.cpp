#include "sim/train/decoder_backward.h"

#include <vector>

#include "sim/train/attention_backward.h"
#include "sim/train/backward_ops.h"
#include "sim/vlm/language_model.h"

namespace hopelab {
namespace {


// One layer: dx (rows, H) holds the gradient of the layer's output and receives that of its
// input. Forward: h = x + o(Attn(R q, R k, v)), q | k | v = proj(RMSNorm1(x));
// out = h + down(SiLU(gate) up), gate | up = proj(RMSNorm2(h)).
void layer_backward(const VlmConfig& c, const DecoderLayerWeights<HostOps>& w, const DecoderLayerTape<HostOps>& t,
                    const float* keys, const float* values, const float* angles, PairLayout pairs, std::int64_t rows,
                    const std::vector<std::int64_t>& segments, float* dx, DecoderLayerWeights<GradientViewOps>* g) {
  const int hidden = c.hidden_size, d = c.head_dim(), inter = c.intermediate_size;
  const int heads = c.num_attention_heads, kv_heads = c.num_key_value_heads;
  const std::int64_t q_width = static_cast<std::int64_t>(heads) * d, kv_width = static_cast<std::int64_t>(kv_heads) * d;
  // MLP.
  ScratchBuffer dact = scratch_buffer(rows * inter), dgate = scratch_buffer(rows * inter);
  ScratchBuffer dup = scratch_buffer(rows * inter);
  linear_backward(t.act.data(), dx, rows, w.down, g->down, dact.data(), GradientWrite::assign);  // act = SiLU(gate) up
  silu_mul_backward(t.gate.data(), t.up.data(), dact.data(), rows * inter, dgate.data(), dup.data(),
                    GradientWrite::assign);
  ScratchBuffer dy = scratch_buffer(rows * hidden);
  linear_backward(t.norm2.data(), dgate.data(), rows, w.gate, g->gate, dy.data(), GradientWrite::assign);  // RMSNorm2(h)
  linear_backward(t.norm2.data(), dup.data(), rows, w.up, g->up, dy.data());
  rms_norm_backward(t.mid.data(), dy.data(), rows, hidden, w.post_norm, c.rms_norm_eps, dx, g->post_norm);  // d h

  // Attention.
  ScratchBuffer dattn = scratch_buffer(rows * q_width);
  std::vector<float> dq = zero_buffer(rows * q_width);  // the attention backward adds into these
  std::vector<float> dk = zero_buffer(rows * kv_width), dv = zero_buffer(rows * kv_width);
  linear_backward(t.attn.data(), dx, rows, w.o, g->o, dattn.data(), GradientWrite::assign);
  std::vector<AttentionArgs> forward;
  std::vector<AttentionGradients> grads;
  for (const RowSegment& s : row_segments(rows, &segments)) {  // the forward's sequences
    forward.push_back(causal_segment_args(t.q.data(), q_width, keys, values, kv_width, 0, s, nullptr));
    AttentionGradients ag;
    ag.dout = dattn.data() + s.first * q_width;
    ag.dq = dq.data() + s.first * q_width;
    ag.dk = dk.data() + s.first * kv_width;
    ag.dv = dv.data() + s.first * kv_width;
    grads.push_back(ag);
  }
  attention_backward(AttentionShape{heads, kv_heads, d}, forward, grads);
  rotate_backward(angles, rows, heads, d, pairs, dq.data(), q_width);
  rotate_backward(angles, rows, kv_heads, d, pairs, dk.data(), kv_width);
  linear_backward(t.norm1.data(), dq.data(), rows, w.q, g->q, dy.data(), GradientWrite::assign);  // RMSNorm1(x)
  linear_backward(t.norm1.data(), dk.data(), rows, w.k, g->k, dy.data());
  linear_backward(t.norm1.data(), dv.data(), rows, w.v, g->v, dy.data());
  rms_norm_backward(t.input.data(), dy.data(), rows, hidden, w.input_norm, c.rms_norm_eps, dx, g->input_norm);  // d x
}

}  // namespace

void language_backward(const VlmConfig& c, const LanguageWeights<HostOps>& w, const RotaryTable& rotary,
                       const ForwardTape<HostOps>& tape, std::int64_t rows, const float* dlogits, float* dx,
                       LanguageWeights<GradientViewOps>* g) {
  const int hidden = c.hidden_size;
  // logits = lm_head(RMSNorm_final(x)).
  ScratchBuffer dy = scratch_buffer(rows * hidden);
  linear_backward(tape.final_normed.data(), dlogits, rows, w.lm_head, g->lm_head, dy.data(), GradientWrite::assign);
  rms_norm_backward(tape.final_input.data(), dy.data(), rows, hidden, w.final_norm, c.rms_norm_eps, dx, g->final_norm);
  for (std::size_t l = w.layers.size(); l-- > 0;) {
    layer_backward(c, w.layers[l], tape.layers[l], tape.keys[l].data(), tape.values[l].data(), tape.angles.data(),
                   rotary.allocation.layout, rows, tape.segments, dx, &g->layers[l]);
  }
}

}  // namespace hopelab
