#pragma once
// Qwen2-VL's language model (docs/vlm.md "Language model", steps 3-5) over any Ops
// (sim/vlm/vlm_graph.h): num_hidden_layers pre-norm decoder layers
// h = x + o_proj(Attn(RMSNorm1(x))), x' = h + down(SiLU(gate(.)) up(.)), causal GQA attention
// with q and k rotated at each token's position, then logits = lm_head(RMSNorm_final(x)).
// float32, keys cached already rotated.

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "sim/vlm/attention.h"
#include "sim/vlm/forward_tape.h"
#include "sim/vlm/kv_cache.h"
#include "sim/vlm/model_weights.h"
#include "sim/vlm/vlm_config.h"
#include "sim/vlm/vlm_rotary.h"
#include "theory/position_design.h"

namespace hopelab {

// Softmax weights of one query token over every key at one layer, per head: (n_h, keys), 0 on
// masked (future) keys, and that token's query before rotation. Set layer and query before the
// call; weights and query_vector are filled.
struct AttentionProbe {
  int layer = 0;
  std::int64_t query = 0;           // token index within the prompt
  std::vector<float> weights;       // (n_h, L)
  std::vector<float> query_vector;  // (n_h, d): q_proj(RMSNorm1(x)) of the query token, unrotated
};

// The activations of one decoder layer over `rows` rows, reused by every layer.
template <class Ops>
struct DecoderBuffers {
  typename Ops::Buffer y, q, attn, out, gate, up;  // (rows, H), (rows, n_h d) x 2, (rows, H), (rows, I) x 2

  DecoderBuffers(const Ops& ops, const VlmConfig& c, std::int64_t rows) {
    const auto size = [rows](std::int64_t width) { return static_cast<std::size_t>(rows * width); };
    const std::int64_t q_width = static_cast<std::int64_t>(c.num_attention_heads) * c.head_dim();
    y = ops.buffer(size(c.hidden_size));
    q = ops.buffer(size(q_width));
    attn = ops.buffer(size(q_width));
    out = ops.buffer(size(c.hidden_size));
    gate = ops.buffer(size(c.intermediate_size));
    up = ops.buffer(size(c.intermediate_size));
  }
};

// The probe's weights: attention_weights (attention.h) on host copies of the query's rotated
// row and of the keys. a: the layer's causal attention arguments, Ops pointers.
template <class Ops>
void fill_probe_weights(const Ops& ops, const AttentionShape& shape, const AttentionArgs& a, AttentionProbe* probe) {
  const std::int64_t q_width = static_cast<std::int64_t>(shape.heads) * shape.head_dim;
  const std::vector<float> q_row = ops.to_host(a.q + probe->query * a.q_stride, static_cast<std::size_t>(q_width));
  const std::vector<float> keys = ops.to_host(a.k, static_cast<std::size_t>(a.keys * a.kv_stride));
  AttentionArgs h = a;
  h.q = q_row.data();
  h.k = keys.data();
  h.v = nullptr;  // not read by attention_weights
  h.queries = 1;
  h.query_offset = a.query_offset + probe->query;
  h.out = nullptr;
  probe->weights.assign(static_cast<std::size_t>(shape.heads * a.keys), 0.0f);
  attention_weights(shape, h, 0, probe->weights.data());
}

// The row ranges attended within: one causal sequence after `cached` cached tokens, or, for a
// packed batch (cached 0), one per entry of segments (lengths summing to rows).
struct RowSegment {
  std::int64_t first = 0, rows = 0;
};
inline std::vector<RowSegment> row_segments(std::int64_t rows, const std::vector<std::int64_t>* segments) {
  if (segments == nullptr || segments->empty()) return {RowSegment{0, rows}};
  std::vector<RowSegment> out;
  std::int64_t first = 0;
  for (std::int64_t n : *segments) {
    out.push_back({first, n});
    first += n;
  }
  return out;
}

// The causal attention arguments of one segment of a layer: q (rows, q_width) and the layer's
// keys and values (cached + rows, kv_width); out (rows, q_width).
inline AttentionArgs causal_segment_args(const float* q, std::int64_t q_width, const float* keys,
                                         const float* values, std::int64_t kv_width, std::int64_t cached,
                                         const RowSegment& s, float* out) {
  AttentionArgs a;
  a.q = q + s.first * q_width;
  a.q_stride = q_width;
  a.k = keys + s.first * kv_width;  // a segment after the first starts at its own row (cached = 0)
  a.v = values + s.first * kv_width;
  a.kv_stride = kv_width;
  a.queries = s.rows;
  a.keys = cached + s.rows;
  a.query_offset = cached;
  a.mask = AttentionMask::causal;
  a.out = out != nullptr ? out + s.first * q_width : nullptr;  // null: a backward, which reads no out
  a.out_stride = q_width;
  return a;
}

// One decoder layer over the new rows x (rows, H), in place. Its keys and values go to rows
// [cached, cached + rows) of *keys and *values, (capacity, n_kv d); angles: (rows, d/2).
// segments (may be null): the packed sequences' lengths (then cached is 0). tape (may be null)
// keeps what the backward reads. Rows before first_out only feed the cache: their keys and
// values are computed, their outputs are not (x keeps them; first_out > 0 takes no probe, tape
// or segments).
template <class Ops>
void decoder_layer(const Ops& ops, const VlmConfig& c, const DecoderLayerWeights<Ops>& w, const float* angles,
                   PairLayout pairs, std::int64_t rows, float* x, typename Ops::Buffer* keys,
                   typename Ops::Buffer* values, std::int64_t cached, DecoderBuffers<Ops>* b, AttentionProbe* probe,
                   DecoderLayerTape<Ops>* tape = nullptr, const std::vector<std::int64_t>* segments = nullptr,
                   std::int64_t first_out = 0) {
  const int hidden = c.hidden_size, d = c.head_dim(), inter = c.intermediate_size;
  const int heads = c.num_attention_heads, kv_heads = c.num_key_value_heads;
  const std::int64_t q_width = static_cast<std::int64_t>(heads) * d, kv_width = static_cast<std::int64_t>(kv_heads) * d;
  float* y = Ops::data(b->y);
  float* q = Ops::data(b->q);
  float* attn = Ops::data(b->attn);
  float* out = Ops::data(b->out);
  float* gate = Ops::data(b->gate);
  float* up = Ops::data(b->up);
  float* k = Ops::data(*keys) + cached * kv_width;
  float* v = Ops::data(*values) + cached * kv_width;
  const auto size = [rows](std::int64_t width) { return static_cast<std::size_t>(rows * width); };
  if (tape != nullptr) tape->input = ops.copy_of(x, size(hidden));

  const std::int64_t out_rows = rows - first_out;  // q, attn, out, gate, up: these rows only
  ops.rms_norm(x, rows, hidden, Ops::data(w.input_norm), c.rms_norm_eps, y);  // RMSNorm1(x)
  if (tape != nullptr) tape->norm1 = ops.copy_of(y, size(hidden));
  ops.linear(y + first_out * hidden, out_rows, w.q, q);                        // q_proj(.)
  ops.linear(y, rows, w.k, k);                                                 // k_proj(.), into the cache
  ops.linear(y, rows, w.v, v);                                                 // v_proj(.), into the cache
  if (probe != nullptr) {
    probe->query_vector = ops.to_host(q + probe->query * q_width, static_cast<std::size_t>(q_width));
  }
  ops.rotate(angles + first_out * (d / 2), out_rows, heads, d, pairs, q, q_width);  // q at each token's position
  ops.rotate(angles, rows, kv_heads, d, pairs, k, kv_width);    // k, cached rotated

  const AttentionShape shape{heads, kv_heads, d};
  for (const RowSegment& segment : row_segments(rows, segments)) {
    AttentionArgs a =
        causal_segment_args(q, q_width, Ops::data(*keys), Ops::data(*values), kv_width, cached, segment, attn);
    a.queries -= first_out;  // q and attn hold the output rows only
    a.query_offset += first_out;
    ops.attention(shape, a);  // causal softmax(q k^T / sqrt(d)) v, GQA
    if (probe != nullptr) fill_probe_weights(ops, shape, a, probe);
  }

  float* h = x + first_out * hidden;  // the output rows of x
  ops.linear(attn, out_rows, w.o, out);
  ops.add(h, out, out_rows * hidden);                                            // h = x + o_proj(Attn(.))
  ops.rms_norm(h, out_rows, hidden, Ops::data(w.post_norm), c.rms_norm_eps, y);  // RMSNorm2(h)
  ops.linear(y, out_rows, w.gate, gate);
  ops.linear(y, out_rows, w.up, up);
  if (tape != nullptr) {
    tape->mid = ops.copy_of(x, size(hidden));
    tape->norm2 = ops.copy_of(y, size(hidden));
    tape->q = ops.copy_of(q, size(q_width));
    tape->attn = ops.copy_of(attn, size(q_width));
    tape->gate = ops.copy_of(gate, size(inter));
    tape->up = ops.copy_of(up, size(inter));
  }
  ops.silu_mul(gate, up, out_rows * inter);                                      // SiLU(gate(.)) * up(.)
  if (tape != nullptr) tape->act = ops.copy_of(gate, size(inter));
  ops.linear(gate, out_rows, w.down, out);
  ops.add(h, out, out_rows * hidden);                                            // x' = h + down(.)
}

// Runs the decoder stack over `rows` new tokens whose hidden states are x (rows, H), in place.
// Token r sits at positions.at(r); cache (may be null) holds the earlier tokens (length of them)
// and receives the new keys and values. probe (may be null) is filled when its layer runs. tape
// (may be null; then cache must be null) keeps what the backward reads, keys and values
// included. segments (may be null): a packed batch's sequence lengths (no cache, no probe).
// last_row_only: only x's last row is read afterwards, so the last layer computes that row's
// output alone (its other rows still feed the cache; without tape or segments, and unless the
// probe is at the last layer).
template <class Ops>
void run_decoder(const Ops& ops, const VlmConfig& config, const LanguageWeights<Ops>& weights,
                 const RotaryTable& rotary, const PositionIds& positions, std::int64_t rows, float* x,
                 KvCacheOf<Ops>* cache, AttentionProbe* probe, ForwardTape<Ops>* tape = nullptr,
                 const std::vector<std::int64_t>* segments = nullptr, bool last_row_only = false) {
  const int layers = config.num_hidden_layers;
  KvCacheOf<Ops> local;
  KvCacheOf<Ops>& kv = cache != nullptr ? *cache : local;
  if (cache == nullptr) local.reset(layers, static_cast<std::int64_t>(config.num_key_value_heads) * config.head_dim());
  kv.reserve(kv.length + rows);
  const std::vector<float> host_angles = rotary_angle_rows(rotary, positions, 0, rows);  // phi mod 2 pi: (rows, d/2)
  const typename Ops::Param angles = ops.param(host_angles.data(), host_angles.size());
  DecoderBuffers<Ops> buffers(ops, config, rows);
  if (tape != nullptr) tape->layers.resize(static_cast<std::size_t>(layers));
  for (int l = 0; l < layers; ++l) {
    const auto i = static_cast<std::size_t>(l);
    AttentionProbe* layer_probe = probe != nullptr && probe->layer == l ? probe : nullptr;
    const bool last_row = last_row_only && l == layers - 1 && layer_probe == nullptr && tape == nullptr &&
                          segments == nullptr;
    decoder_layer(ops, config, weights.layers[i], Ops::data(angles), rotary.allocation.layout, rows, x, &kv.keys[i],
                  &kv.values[i], kv.length, &buffers, layer_probe, tape != nullptr ? &tape->layers[i] : nullptr,
                  segments, last_row ? rows - 1 : 0);
  }
  kv.length += rows;
  if (tape != nullptr) {
    tape->angles = host_angles;
    if (segments != nullptr) tape->segments = *segments;
    tape->keys = std::move(local.keys);  // the local cache: its capacity may exceed rows
    tape->values = std::move(local.values);
  }
}

// logits (rows, V) = lm_head(RMSNorm_final(x)), on the host. x: (rows, H). normed (may be null)
// receives RMSNorm_final(x) (rows, H).
template <class Ops>
std::vector<float> output_logits(const Ops& ops, const VlmConfig& config, const LanguageWeights<Ops>& weights,
                                 const float* x, std::int64_t rows, typename Ops::Buffer* normed = nullptr) {
  typename Ops::Buffer y = ops.buffer(static_cast<std::size_t>(rows * config.hidden_size));
  typename Ops::Buffer logits = ops.buffer(static_cast<std::size_t>(rows * config.vocab_size));
  ops.rms_norm(x, rows, config.hidden_size, Ops::data(weights.final_norm), config.rms_norm_eps,
               Ops::data(y));                                                // RMSNorm_final(x)
  ops.linear(Ops::data(y), rows, weights.lm_head, Ops::data(logits));     // lm_head(.)
  if (normed != nullptr) *normed = std::move(y);
  return ops.to_host(std::move(logits));
}

}  // namespace hopelab
