#pragma once
// A second, deliberately plain implementation of docs/vlm.md in long double for the tests: direct
// loops, a materialised L x L softmax per head, no blocking, no cache, no Eigen, angles
// recomputed here (powl) from the spec. It checks the model's blocking, caching and threading;
// the independent reference of the whole model is the NumPy one (tests/ref/vlm_reference.py).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/vlm/tensor.h"
#include "sim/vlm/vlm_config.h"
#include "sim/vlm/vlm_input.h"
#include "theory/allocation.h"
#include "theory/position_design.h"

namespace hopelab::vlm_test {

using LD = long double;
using Rows = std::vector<LD>;  // row-major (rows, width)

// y = x W^T + b. x: (rows, in); W: (out, in).
inline Rows ref_linear(const Rows& x, std::int64_t rows, const TensorMap& w, const std::string& prefix, bool bias) {
  const Tensor& W = w.at(prefix + ".weight");
  const std::int64_t out = W.shape[0], in = W.numel() / out;
  Rows y(static_cast<std::size_t>(rows * out));
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t o = 0; o < out; ++o) {
      LD s = bias ? static_cast<LD>(w.at(prefix + ".bias").data[static_cast<std::size_t>(o)]) : 0.0L;
      for (std::int64_t i = 0; i < in; ++i) s += x[static_cast<std::size_t>(r * in + i)] * W.data[static_cast<std::size_t>(o * in + i)];
      y[static_cast<std::size_t>(r * out + o)] = s;
    }
  }
  return y;
}

inline void ref_layer_norm(Rows* x, std::int64_t width, const TensorMap& w, const std::string& prefix, LD eps) {
  const std::vector<float>& g = w.at(prefix + ".weight").data;
  const std::vector<float>& b = w.at(prefix + ".bias").data;
  for (std::size_t r = 0; r < x->size() / static_cast<std::size_t>(width); ++r) {
    LD* v = x->data() + r * static_cast<std::size_t>(width);
    LD mean = 0, var = 0;
    for (std::int64_t j = 0; j < width; ++j) mean += v[j];
    mean /= width;
    for (std::int64_t j = 0; j < width; ++j) var += (v[j] - mean) * (v[j] - mean);
    var /= width;
    for (std::int64_t j = 0; j < width; ++j) v[j] = (v[j] - mean) / sqrtl(var + eps) * g[static_cast<std::size_t>(j)] + b[static_cast<std::size_t>(j)];
  }
}

inline void ref_rms_norm(Rows* x, std::int64_t width, const std::vector<float>& g, LD eps) {
  for (std::size_t r = 0; r < x->size() / static_cast<std::size_t>(width); ++r) {
    LD* v = x->data() + r * static_cast<std::size_t>(width);
    LD ms = 0;
    for (std::int64_t j = 0; j < width; ++j) ms += v[j] * v[j];
    ms /= width;
    for (std::int64_t j = 0; j < width; ++j) v[j] = v[j] / sqrtl(ms + eps) * g[static_cast<std::size_t>(j)];
  }
}

// Rotates heads of row r by angles phi(r, i), half-split pairs (i, i + d/2).
inline void ref_rotate(Rows* x, std::int64_t rows, std::int64_t stride, std::int64_t offset, int heads, int d,
                       const std::function<LD(std::int64_t, int)>& phi) {
  for (std::int64_t r = 0; r < rows; ++r) {
    for (int h = 0; h < heads; ++h) {
      LD* v = x->data() + r * stride + offset + h * d;
      for (int i = 0; i < d / 2; ++i) {
        const LD a = v[i], b = v[i + d / 2], c = cosl(phi(r, i)), s = sinl(phi(r, i));
        v[i] = a * c - b * s;
        v[i + d / 2] = a * s + b * c;
      }
    }
  }
}

// Materialised softmax(q k^T / sqrt(d)) v per head; q at column qo, k at ko, v at vo of rows with
// strides qs (q) and ks (k, v). allowed(i, j): key j visible to query i.
inline Rows ref_attention(const Rows& q, std::int64_t qs, std::int64_t qo, const Rows& kv, std::int64_t ks,
                          std::int64_t ko, std::int64_t vo, std::int64_t rows, int heads, int kv_heads, int d,
                          const std::function<bool(std::int64_t, std::int64_t)>& allowed) {
  Rows out(static_cast<std::size_t>(rows * heads * d), 0.0L);
  for (int h = 0; h < heads; ++h) {
    const int g = h / (heads / kv_heads);
    std::vector<LD> p(static_cast<std::size_t>(rows * rows), 0.0L);  // L x L on purpose
    for (std::int64_t i = 0; i < rows; ++i) {
      LD mx = -INFINITY;
      for (std::int64_t j = 0; j < rows; ++j) {
        if (!allowed(i, j)) continue;
        LD s = 0;
        for (int c = 0; c < d; ++c) s += q[static_cast<std::size_t>(i * qs + qo + h * d + c)] * kv[static_cast<std::size_t>(j * ks + ko + g * d + c)];
        p[static_cast<std::size_t>(i * rows + j)] = s / sqrtl(static_cast<LD>(d));
        mx = std::max(mx, p[static_cast<std::size_t>(i * rows + j)]);
      }
      LD z = 0;
      for (std::int64_t j = 0; j < rows; ++j) {
        LD& e = p[static_cast<std::size_t>(i * rows + j)];
        e = allowed(i, j) ? expl(e - mx) : 0.0L;
        z += e;
      }
      for (std::int64_t j = 0; j < rows; ++j) {
        const LD w = p[static_cast<std::size_t>(i * rows + j)] / z;
        for (int c = 0; c < d; ++c) out[static_cast<std::size_t>((i * heads + h) * d + c)] += w * kv[static_cast<std::size_t>(j * ks + vo + g * d + c)];
      }
    }
  }
  return out;
}

inline void ref_add(Rows* x, const Rows& y) {
  for (std::size_t i = 0; i < x->size(); ++i) (*x)[i] += y[i];
}

// Merger rows (t (h/m)(w/m), H) of one grid. pixels: (t h w, patch_dim).
inline Rows ref_vision(const VlmConfig& c, const TensorMap& w, const float* pixels, const VisualGrid& g) {
  const VisionConfig& v = c.vision;
  const int e = v.embed_dim, d = e / v.num_heads, m = v.spatial_merge_size, pd = v.patch_dim();
  const std::int64_t per_frame = g.h * g.w, n = g.t * per_frame;
  Rows px(pixels, pixels + n * pd);
  Rows x = ref_linear(px, n, w, "visual.patch_embed.proj", false);
  // (hpos, wpos) in processor order: windows row-major, then m x m within the window.
  std::vector<LD> hpos, wpos;
  for (std::int64_t tau = 0; tau < g.t; ++tau)
    for (std::int64_t by = 0; by < g.h / m; ++by)
      for (std::int64_t bx = 0; bx < g.w / m; ++bx)
        for (int dy = 0; dy < m; ++dy)
          for (int dx = 0; dx < m; ++dx) {
            hpos.push_back(static_cast<LD>(by * m + dy));
            wpos.push_back(static_cast<LD>(bx * m + dx));
          }
  auto phi = [&](std::int64_t r, int i) {
    const int q = d / 4, j = i % q;
    const LD omega = powl(10000.0L, -2.0L * j / (d / 2.0L));
    return (i < q ? hpos : wpos)[static_cast<std::size_t>(r)] * omega;
  };
  for (int b = 0; b < v.depth; ++b) {
    const std::string p = "visual.blocks." + std::to_string(b) + ".";
    Rows y = x;
    ref_layer_norm(&y, e, w, p + "norm1", 1e-6L);
    Rows qkv = ref_linear(y, n, w, p + "attn.qkv", true);
    ref_rotate(&qkv, n, 3 * e, 0, v.num_heads, d, phi);
    ref_rotate(&qkv, n, 3 * e, e, v.num_heads, d, phi);
    Rows a = ref_attention(qkv, 3 * e, 0, qkv, 3 * e, e, 2 * e, n, v.num_heads, v.num_heads, d,
                           [&](std::int64_t i, std::int64_t j) { return i / per_frame == j / per_frame; });
    ref_add(&x, ref_linear(a, n, w, p + "attn.proj", true));
    y = x;
    ref_layer_norm(&y, e, w, p + "norm2", 1e-6L);
    Rows hidden = ref_linear(y, n, w, p + "mlp.fc1", true);
    for (LD& z : hidden) z = z / (1.0L + expl(-1.702L * z));  // QuickGELU
    ref_add(&x, ref_linear(hidden, n, w, p + "mlp.fc2", true));
  }
  ref_layer_norm(&x, e, w, "visual.merger.ln_q", 1e-6L);
  const std::int64_t tokens = n / (m * m);
  Rows hidden = ref_linear(x, tokens, w, "visual.merger.mlp.0", true);
  for (LD& z : hidden) z = 0.5L * z * (1.0L + erfl(z / sqrtl(2.0L)));  // exact GELU
  return ref_linear(hidden, tokens, w, "visual.merger.mlp.2", true);
}

// Logits (L, V) of a prompt, LLM positions given, allocation (axis, zero per pair) given.
inline Rows ref_logits(const VlmConfig& c, const TensorMap& w, const VlmInput& in, const PositionIds& pos,
                       const FrequencyAllocation& alloc) {
  const std::int64_t L = static_cast<std::int64_t>(in.input_ids.size());
  const int H = c.hidden_size, d = H / c.num_attention_heads, nh = c.num_attention_heads, nkv = c.num_key_value_heads;
  Rows x(static_cast<std::size_t>(L * H));
  const std::vector<float>& embed = w.at("model.embed_tokens.weight").data;
  for (std::int64_t i = 0; i < L; ++i)
    for (int j = 0; j < H; ++j) x[static_cast<std::size_t>(i * H + j)] = embed[static_cast<std::size_t>(in.input_ids[static_cast<std::size_t>(i)] * H + j)];
  auto place = [&](std::int64_t token, const Tensor& pixels, const std::vector<VisualGrid>& grids) {
    std::int64_t row = 0, next = 0;
    for (const VisualGrid& g : grids) {
      const Rows merged = ref_vision(c, w, pixels.data.data() + row * c.vision.patch_dim(), g);
      for (std::size_t k = 0; k < merged.size() / static_cast<std::size_t>(H); ++next) {
        if (in.input_ids[static_cast<std::size_t>(next)] != token) continue;
        for (int j = 0; j < H; ++j) x[static_cast<std::size_t>(next * H + j)] = merged[k * static_cast<std::size_t>(H) + static_cast<std::size_t>(j)];
        ++k;
      }
      row += g.t * g.h * g.w;
    }
  };
  place(c.image_token_id, in.pixel_values, in.image_grid_thw);
  place(c.video_token_id, in.pixel_values_videos, in.video_grid_thw);
  auto phi = [&](std::int64_t r, int i) -> LD {
    if (alloc.zero[static_cast<std::size_t>(i)]) return 0.0L;
    const Axis a = alloc.axis[static_cast<std::size_t>(i)];
    const std::size_t k = static_cast<std::size_t>(r);
    const LD p = a == Axis::t ? pos.t[k] : a == Axis::h ? pos.h[k] : pos.w[k];
    return p * powl(static_cast<LD>(c.rope_theta), -2.0L * i / d);  // pos * rope_theta^(-2i/d)
  };
  for (int l = 0; l < c.num_hidden_layers; ++l) {
    const std::string p = "model.layers." + std::to_string(l) + ".";
    Rows y = x;
    ref_rms_norm(&y, H, w.at(p + "input_layernorm.weight").data, c.rms_norm_eps);
    Rows q = ref_linear(y, L, w, p + "self_attn.q_proj", true);
    Rows k = ref_linear(y, L, w, p + "self_attn.k_proj", true);
    Rows v = ref_linear(y, L, w, p + "self_attn.v_proj", true);
    ref_rotate(&q, L, nh * d, 0, nh, d, phi);
    ref_rotate(&k, L, nkv * d, 0, nkv, d, phi);
    Rows kv(static_cast<std::size_t>(L * 2 * nkv * d));  // (L, k | v)
    for (std::int64_t i = 0; i < L; ++i)
      for (int j = 0; j < nkv * d; ++j) {
        kv[static_cast<std::size_t>(i * 2 * nkv * d + j)] = k[static_cast<std::size_t>(i * nkv * d + j)];
        kv[static_cast<std::size_t>(i * 2 * nkv * d + nkv * d + j)] = v[static_cast<std::size_t>(i * nkv * d + j)];
      }
    Rows a = ref_attention(q, nh * d, 0, kv, 2 * nkv * d, 0, nkv * d, L, nh, nkv, d,
                           [](std::int64_t i, std::int64_t j) { return j <= i; });
    ref_add(&x, ref_linear(a, L, w, p + "self_attn.o_proj", false));
    y = x;
    ref_rms_norm(&y, H, w.at(p + "post_attention_layernorm.weight").data, c.rms_norm_eps);
    Rows gate = ref_linear(y, L, w, p + "mlp.gate_proj", false);
    const Rows up = ref_linear(y, L, w, p + "mlp.up_proj", false);
    for (std::size_t i = 0; i < gate.size(); ++i) gate[i] = gate[i] / (1.0L + expl(-gate[i])) * up[i];  // SiLU(g) u
    ref_add(&x, ref_linear(gate, L, w, p + "mlp.down_proj", false));
  }
  ref_rms_norm(&x, H, w.at("model.norm.weight").data, c.rms_norm_eps);
  return ref_linear(x, L, w, c.tie_word_embeddings ? "model.embed_tokens" : "lm_head", false);
}

}  // namespace hopelab::vlm_test
