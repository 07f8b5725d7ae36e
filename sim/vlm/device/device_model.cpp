#include "sim/vlm/device/device_model.h"

#include <string>
#include <utility>

#include <thrust/copy.h>
#include <thrust/device_vector.h>

#include "kernels/attention_row.h"
#include "sim/vlm/attention.h"
#include "sim/vlm/device/device_buffer.h"
#include "sim/vlm/device/device_ops.h"
#include "sim/vlm/device/device_vision.h"
#include "sim/vlm/vlm_positions.h"
#include "theory/input_error.h"

namespace hopelab {

struct DeviceLayer {
  DeviceBuffer input_norm;  // (H)
  DeviceLinear q, k, v, o;
  DeviceBuffer post_norm;   // (H)
  DeviceLinear gate, up, down;
};

struct DeviceWeights {
  DeviceVisionWeights vision;
  DeviceBuffer embed;       // (V, H)
  std::vector<DeviceLayer> layers;
  DeviceBuffer final_norm;  // (H)
  DeviceLinear lm_head;     // (V, H)
  DeviceGemm gemm;
};

struct DeviceKvState {
  std::int64_t length = 0;          // tokens cached
  std::int64_t width = 0;           // n_kv d
  std::vector<DeviceBuffer> keys;   // per layer: (capacity, n_kv d), rotated
  std::vector<DeviceBuffer> values; // per layer: (capacity, n_kv d)
  Layout layout;                    // the cached tokens' layout (generated tokens extend it)
  double position_offset = 0.0;
  PositionIds ahead;                // next_decode_position's positions computed ahead

  void reset(int layers, std::int64_t kv_width) {
    *this = DeviceKvState{};
    width = kv_width;
    keys.resize(static_cast<std::size_t>(layers));
    values.resize(static_cast<std::size_t>(layers));
  }
  void reserve(std::int64_t tokens) {
    for (std::size_t l = 0; l < keys.size(); ++l) {
      grow_keeping(&keys[l], static_cast<std::size_t>(tokens * width));
      grow_keeping(&values[l], static_cast<std::size_t>(tokens * width));
    }
  }
};

namespace {

std::size_t size_of(std::int64_t rows, std::int64_t width) { return static_cast<std::size_t>(rows * width); }

DeviceBuffer upload_vector(const float* host, std::int64_t n) { return upload(host, static_cast<std::size_t>(n)); }

// n floats from the device to a host vector.
std::vector<float> download(const float* device, std::int64_t n) {
  std::vector<float> host(static_cast<std::size_t>(n));
  thrust::copy(thrust::device_pointer_cast(device), thrust::device_pointer_cast(device) + n, host.begin());
  return host;
}

using DeviceIndices = thrust::device_vector<std::int64_t>;
const std::int64_t* raw(const DeviceIndices& v) { return thrust::raw_pointer_cast(v.data()); }

std::unique_ptr<DeviceWeights> upload_weights(const VlmModel& host) {
  const VlmConfig& c = host.config();
  const LanguageWeights& w = host.llm_weights();
  auto d = std::make_unique<DeviceWeights>();
  d->vision = upload_vision_weights(c.vision, host.vision_tower_weights());
  d->embed = upload_vector(w.embed, static_cast<std::int64_t>(c.vocab_size) * c.hidden_size);
  for (const DecoderLayerWeights& layer : w.layers) {
    DeviceLayer l;
    l.input_norm = upload_vector(layer.input_norm, c.hidden_size);
    l.q = upload_linear(layer.q);
    l.k = upload_linear(layer.k);
    l.v = upload_linear(layer.v);
    l.o = upload_linear(layer.o);
    l.post_norm = upload_vector(layer.post_norm, c.hidden_size);
    l.gate = upload_linear(layer.gate);
    l.up = upload_linear(layer.up);
    l.down = upload_linear(layer.down);
    d->layers.push_back(std::move(l));
  }
  d->final_norm = upload_vector(w.final_norm, c.hidden_size);
  d->lm_head = upload_linear(w.lm_head);
  return d;
}

}  // namespace

DeviceKvCache::DeviceKvCache() : state_(std::make_unique<DeviceKvState>()) {}
DeviceKvCache::~DeviceKvCache() = default;
DeviceKvCache::DeviceKvCache(DeviceKvCache&&) noexcept = default;
DeviceKvCache& DeviceKvCache::operator=(DeviceKvCache&&) noexcept = default;
std::int64_t DeviceKvCache::length() const { return state_ ? state_->length : 0; }

DeviceVlmModel::DeviceVlmModel(const VlmModel& host) : host_(host) {
  const VlmConfig& c = host.config();
  if (c.head_dim() > kAttendRowMaxHeadDim) {
    throw InputError("head_dim (hidden_size / num_attention_heads) " + std::to_string(c.head_dim()) +
                     " exceeds the device backend's " + std::to_string(kAttendRowMaxHeadDim));
  }
  weights_ = upload_weights(host);
}

DeviceVlmModel::~DeviceVlmModel() = default;

void DeviceVlmModel::run_decoder(const PositionIds& positions, std::int64_t rows, float* x, DeviceKvState* kv,
                                 AttentionProbe* probe) const {
  const VlmConfig& c = host_.config();
  const int hidden = c.hidden_size, d = c.head_dim(), heads = c.num_attention_heads;
  const int kv_heads = c.num_key_value_heads, inter = c.intermediate_size;
  const std::int64_t q_width = static_cast<std::int64_t>(heads) * d, kv_width = static_cast<std::int64_t>(kv_heads) * d;
  const PairLayout layout = host_.llm_rotary().allocation.layout;
  const DeviceGemm& gemm = weights_->gemm;
  const std::int64_t cached = kv->length;
  kv->reserve(cached + rows);

  const std::vector<float> host_angles = rotary_angle_rows(host_.llm_rotary(), positions, 0, rows);  // (rows, P)
  const DeviceBuffer angles = upload(host_angles.data(), host_angles.size());
  DeviceBuffer y(size_of(rows, hidden)), q(size_of(rows, q_width)), attn(size_of(rows, q_width));
  DeviceBuffer out(size_of(rows, hidden)), gate(size_of(rows, inter)), up(size_of(rows, inter));

  for (std::size_t l = 0; l < weights_->layers.size(); ++l) {
    const DeviceLayer& w = weights_->layers[l];
    float* k = raw(kv->keys[l]) + cached * kv_width;
    float* v = raw(kv->values[l]) + cached * kv_width;
    const bool probed = probe != nullptr && probe->layer == static_cast<int>(l);

    device_rms_norm(x, rows, hidden, raw(w.input_norm), c.rms_norm_eps, raw(y));  // RMSNorm1(x)
    gemm.linear(raw(y), rows, w.q, raw(q));
    gemm.linear(raw(y), rows, w.k, k);
    gemm.linear(raw(y), rows, w.v, v);
    if (probed) probe->query_vector = download(raw(q) + probe->query * q_width, q_width);
    device_rotate_rows(raw(angles), rows, heads, d, layout, raw(q), q_width);    // q at each token's position
    device_rotate_rows(raw(angles), rows, kv_heads, d, layout, k, kv_width);     // k, cached rotated

    const AttentionShape shape{heads, kv_heads, d};
    AttentionArgs a;
    a.q = raw(q);
    a.q_stride = q_width;
    a.k = raw(kv->keys[l]);
    a.v = raw(kv->values[l]);
    a.kv_stride = kv_width;
    a.queries = rows;
    a.keys = cached + rows;
    a.query_offset = cached;
    a.mask = AttentionMask::causal;
    a.out = raw(attn);
    a.out_stride = q_width;
    device_attention(shape, a);  // causal softmax(q k^T / sqrt(d)) v, GQA
    if (probed) {  // the host model's probe over copies of the rotated query row and the keys
      const std::vector<float> q_row = download(raw(q) + probe->query * q_width, q_width);
      const std::vector<float> keys = download(raw(kv->keys[l]), a.keys * kv_width);
      AttentionArgs h = a;
      h.q = q_row.data();
      h.k = keys.data();
      h.v = keys.data();  // not read by attention_weights
      h.queries = 1;
      h.query_offset = cached + probe->query;
      h.out = nullptr;
      probe->weights.assign(size_of(heads, a.keys), 0.0f);
      attention_weights(shape, h, 0, probe->weights.data());
    }

    gemm.linear(raw(attn), rows, w.o, raw(out));
    device_add(x, raw(out), rows * hidden);  // h = x + o_proj(Attn(.))
    device_rms_norm(x, rows, hidden, raw(w.post_norm), c.rms_norm_eps, raw(y));  // RMSNorm2(h)
    gemm.linear(raw(y), rows, w.gate, raw(gate));
    gemm.linear(raw(y), rows, w.up, raw(up));
    device_silu_mul(raw(gate), raw(up), rows * inter);  // SiLU(gate(.)) * up(.)
    gemm.linear(raw(gate), rows, w.down, raw(out));
    device_add(x, raw(out), rows * hidden);  // x' = h + down(.)
  }
  kv->length += rows;
}

void DeviceVlmModel::place_visual_rows(const VlmInput& input, std::int64_t token, const Tensor& pixels,
                                       const std::vector<VisualGrid>& grids, float* x) const {
  const VlmConfig& c = host_.config();
  const std::vector<std::vector<std::int64_t>> rows = visual_token_rows(c, input.input_ids, token, grids);
  std::int64_t pixel_row = 0;  // first pixel row of the grid
  for (std::size_t g = 0; g < grids.size(); ++g) {
    const DeviceBuffer merged = device_encode_grid(c.vision, weights_->vision, weights_->gemm, host_.vision_tower_rotary(),
                                                   pixels.data.data() + pixel_row * c.vision.patch_dim(), grids[g]);
    const DeviceIndices targets(rows[g].begin(), rows[g].end());
    device_scatter_rows(raw(merged), raw(targets), static_cast<std::int64_t>(rows[g].size()), c.hidden_size, x);
    pixel_row += grids[g].t * grids[g].h * grids[g].w;
  }
}

void DeviceVlmModel::embed(const std::vector<std::int64_t>& ids, float* x) const {
  const DeviceIndices device_ids(ids.begin(), ids.end());
  device_gather_rows(raw(weights_->embed), raw(device_ids), static_cast<std::int64_t>(ids.size()),
                     host_.config().hidden_size, x);  // embed_tokens rows
}

std::vector<float> DeviceVlmModel::logits(const float* x, std::int64_t rows) const {
  const VlmConfig& c = host_.config();
  DeviceBuffer y(size_of(rows, c.hidden_size)), out(size_of(rows, c.vocab_size));
  device_rms_norm(x, rows, c.hidden_size, raw(weights_->final_norm), c.rms_norm_eps, raw(y));  // RMSNorm_final(x)
  weights_->gemm.linear(raw(y), rows, weights_->lm_head, raw(out));                              // lm_head(.)
  return download(raw(out), rows * c.vocab_size);
}

std::vector<float> DeviceVlmModel::prefill(const VlmInput& input, DeviceKvCache* cache,
                                           const PrefillOptions& options) const {
  PreparedPrompt prompt = host_.prepare_prompt(input, options, false);  // every check before the cache changes
  const VlmConfig& c = host_.config();
  const std::int64_t length = prompt.positions.size();
  DeviceKvState local;
  DeviceKvState& kv = cache != nullptr ? *cache->state_ : local;
  kv.reset(c.num_hidden_layers, static_cast<std::int64_t>(c.num_key_value_heads) * c.head_dim());
  kv.layout = std::move(prompt.layout);
  kv.position_offset = options.position_offset;
  DeviceBuffer x(static_cast<std::size_t>(length * c.hidden_size));  // (L, H): embeddings, then visual rows
  embed(input.input_ids, raw(x));
  place_visual_rows(input, c.image_token_id, input.pixel_values, input.image_grid_thw, raw(x));
  place_visual_rows(input, c.video_token_id, input.pixel_values_videos, input.video_grid_thw, raw(x));
  run_decoder(prompt.positions, length, raw(x), &kv, options.probe);
  const std::int64_t first = options.last_row_only ? length - 1 : 0;
  return logits(raw(x) + first * c.hidden_size, length - first);
}

std::vector<float> DeviceVlmModel::decode(std::int64_t token_id, DeviceKvCache* cache) const {
  if (cache == nullptr || cache->length() == 0) throw InputError("decode needs a cache filled by prefill");
  host_.check_token(token_id);
  DeviceKvState& kv = *cache->state_;
  const Position3 p = next_decode_position(host_.method(), kv.position_offset, kv.length, &kv.layout, &kv.ahead);
  PositionIds position;
  position.t = {p.t};
  position.h = {p.h};
  position.w = {p.w};
  DeviceBuffer x(static_cast<std::size_t>(host_.config().hidden_size));
  embed({token_id}, raw(x));
  run_decoder(position, 1, raw(x), &kv, nullptr);
  return logits(raw(x), 1);
}

std::vector<std::int64_t> DeviceVlmModel::generate(const VlmInput& input, int max_new_tokens) const {
  if (max_new_tokens <= 0) return {};
  DeviceKvCache cache;
  PrefillOptions options;
  options.last_row_only = true;
  return greedy_tokens(prefill(input, &cache, options), max_new_tokens, host_.config().eos_token_id,
                       [&](std::int64_t token) { return decode(token, &cache); });
}

}  // namespace hopelab
