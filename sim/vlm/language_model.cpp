#include "sim/vlm/language_model.h"

#include <cstddef>

#include "sim/vlm/attention.h"
#include "sim/vlm/layer_ops.h"

namespace hopelab {
namespace {

std::size_t size_of(std::int64_t rows, std::int64_t width) { return static_cast<std::size_t>(rows * width); }

// One decoder layer over the new rows x (rows, H), in place; keys and values go to the cache
// rows [cache.length, cache.length + rows).
void decoder_layer(const VlmConfig& c, const DecoderLayerWeights& w, const RotaryTable& rotary,
                   const PositionIds& positions, std::int64_t rows, float* x, std::vector<float>* keys,
                   std::vector<float>* values, std::int64_t cached, AttentionProbe* probe) {
  const int hidden = c.hidden_size, d = c.head_dim();
  const int q_width = c.num_attention_heads * d, kv_width = c.num_key_value_heads * d;
  std::vector<float> y(size_of(rows, hidden)), q(size_of(rows, q_width)), attn(size_of(rows, q_width));
  float* k = keys->data() + cached * kv_width;
  float* v = values->data() + cached * kv_width;

  rms_norm(x, rows, hidden, w.input_norm, c.rms_norm_eps, y.data());  // RMSNorm1(x)
  linear(y.data(), rows, w.q, q.data());
  linear(y.data(), rows, w.k, k);
  linear(y.data(), rows, w.v, v);
  if (probe != nullptr) {
    const float* row = q.data() + probe->query * q_width;
    probe->query_vector.assign(row, row + q_width);
  }
  rotate_rows(rotary, positions, 0, rows, c.num_attention_heads, q.data(), q_width);  // q at each token's position
  rotate_rows(rotary, positions, 0, rows, c.num_key_value_heads, k, kv_width);        // k, cached rotated

  const AttentionShape shape{c.num_attention_heads, c.num_key_value_heads, d};
  AttentionArgs a;
  a.q = q.data();
  a.q_stride = q_width;
  a.k = keys->data();
  a.v = values->data();
  a.kv_stride = kv_width;
  a.queries = rows;
  a.keys = cached + rows;
  a.query_offset = cached;
  a.mask = AttentionMask::causal;
  a.out = attn.data();
  a.out_stride = q_width;
  attention(shape, a);  // causal softmax(q k^T / sqrt(d)) v, GQA
  if (probe != nullptr) {
    probe->weights.assign(size_of(c.num_attention_heads, a.keys), 0.0f);
    attention_weights(shape, a, probe->query, probe->weights.data());
  }

  std::vector<float> out(size_of(rows, hidden));
  linear(attn.data(), rows, w.o, out.data());
  for (std::size_t i = 0; i < out.size(); ++i) x[i] += out[i];  // h = x + o_proj(Attn(.))

  const int inter = c.intermediate_size;
  std::vector<float> gate(size_of(rows, inter)), up(size_of(rows, inter));
  rms_norm(x, rows, hidden, w.post_norm, c.rms_norm_eps, y.data());  // RMSNorm2(h)
  linear(y.data(), rows, w.gate, gate.data());
  linear(y.data(), rows, w.up, up.data());
  apply_silu_mul(gate.data(), up.data(), rows * inter);  // SiLU(gate(.)) * up(.)
  linear(gate.data(), rows, w.down, out.data());
  for (std::size_t i = 0; i < out.size(); ++i) x[i] += out[i];  // x' = h + down(.)
}

}  // namespace

void run_decoder(const VlmConfig& config, const LanguageWeights& weights, const RotaryTable& rotary,
                 const PositionIds& positions, std::int64_t rows, float* x, KvCache* cache, AttentionProbe* probe) {
  const int layers = config.num_hidden_layers;
  const int kv_width = config.num_key_value_heads * config.head_dim();
  KvCache local;
  KvCache& kv = cache != nullptr ? *cache : local;
  if (cache == nullptr) local.reset(layers, kv_width);
  kv.reserve(kv.length + rows);
  for (int l = 0; l < layers; ++l) {
    AttentionProbe* layer_probe = probe != nullptr && probe->layer == l ? probe : nullptr;
    decoder_layer(config, weights.layers[static_cast<std::size_t>(l)], rotary, positions, rows, x,
                  &kv.keys[static_cast<std::size_t>(l)], &kv.values[static_cast<std::size_t>(l)], kv.length, layer_probe);
  }
  kv.length += rows;
}

std::vector<float> output_logits(const VlmConfig& config, const LanguageWeights& weights, const float* x,
                                 std::int64_t rows) {
  std::vector<float> y(size_of(rows, config.hidden_size)), logits(size_of(rows, config.vocab_size));
  rms_norm(x, rows, config.hidden_size, weights.final_norm, config.rms_norm_eps, y.data());  // RMSNorm_final(x)
  linear(y.data(), rows, weights.lm_head, logits.data());                                      // lm_head(.)
  return logits;
}

}  // namespace hopelab
