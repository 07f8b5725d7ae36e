#include "sim/vlm/device/device_vision.h"

#include <cstddef>
#include <utility>

#include "sim/vlm/attention.h"
#include "sim/vlm/vision_tower.h"

namespace hopelab {
namespace {

std::size_t size_of(std::int64_t rows, std::int64_t width) { return static_cast<std::size_t>(rows * width); }

DeviceBuffer upload_row(const float* host, int width) { return upload(host, static_cast<std::size_t>(width)); }

// Step 4: x <- x + proj(Attn(LN1(x))); x <- x + fc2(QuickGELU(fc1(LN2(x)))). x: (N, E).
void device_vision_block(const VisionConfig& v, const DeviceVisionBlock& w, const DeviceGemm& gemm,
                         const float* angles, PairLayout layout, std::int64_t patches_per_frame, std::int64_t n,
                         float* x) {
  const int e = v.embed_dim, d = v.head_dim();
  DeviceBuffer y(size_of(n, e)), qkv(size_of(n, 3 * e)), attn(size_of(n, e)), out(size_of(n, e));
  device_layer_norm(x, n, e, raw(w.norm1_weight), raw(w.norm1_bias), v.layer_norm_eps, raw(y));  // LN1(x)
  gemm.linear(raw(y), n, w.qkv, raw(qkv));                                  // q | k | v = qkv(.)
  device_rotate_rows(angles, n, v.num_heads, d, layout, raw(qkv), 3 * e);      // q rotated
  device_rotate_rows(angles, n, v.num_heads, d, layout, raw(qkv) + e, 3 * e);  // k rotated
  const AttentionShape shape{v.num_heads, v.num_heads, d};
  for (std::int64_t first = 0; first < n; first += patches_per_frame) {  // one temporal patch at a time
    AttentionArgs a;
    a.q = raw(qkv) + first * 3 * e;
    a.k = a.q + e;
    a.v = a.q + 2 * e;
    a.q_stride = a.kv_stride = 3 * e;
    a.queries = a.keys = patches_per_frame;
    a.mask = AttentionMask::full;  // bidirectional within the temporal patch
    a.out = raw(attn) + first * e;
    a.out_stride = e;
    device_attention(shape, a);  // softmax(q k^T / sqrt(D_v)) v
  }
  gemm.linear(raw(attn), n, w.proj, raw(out));
  device_add(x, raw(out), n * e);  // x + proj(Attn(LN1(x)))

  const int hidden = w.fc1.out;
  DeviceBuffer mlp(size_of(n, hidden));
  device_layer_norm(x, n, e, raw(w.norm2_weight), raw(w.norm2_bias), v.layer_norm_eps, raw(y));  // LN2(x)
  gemm.linear(raw(y), n, w.fc1, raw(mlp));
  device_quick_gelu(raw(mlp), n * hidden);  // QuickGELU(fc1(.))
  gemm.linear(raw(mlp), n, w.fc2, raw(out));
  device_add(x, raw(out), n * e);  // x + fc2(.)
}

}  // namespace

DeviceVisionWeights upload_vision_weights(const VisionConfig& vision, const VisionWeights& weights) {
  const int e = vision.embed_dim;
  DeviceVisionWeights d;
  d.patch_embed = upload_linear(weights.patch_embed);
  for (const VisionBlockWeights& b : weights.blocks) {
    DeviceVisionBlock block;
    block.norm1_weight = upload_row(b.norm1_weight, e);
    block.norm1_bias = upload_row(b.norm1_bias, e);
    block.qkv = upload_linear(b.qkv);
    block.proj = upload_linear(b.proj);
    block.norm2_weight = upload_row(b.norm2_weight, e);
    block.norm2_bias = upload_row(b.norm2_bias, e);
    block.fc1 = upload_linear(b.fc1);
    block.fc2 = upload_linear(b.fc2);
    d.blocks.push_back(std::move(block));
  }
  d.ln_q_weight = upload_row(weights.ln_q_weight, e);
  d.ln_q_bias = upload_row(weights.ln_q_bias, e);
  d.mlp0 = upload_linear(weights.mlp0);
  d.mlp2 = upload_linear(weights.mlp2);
  return d;
}

DeviceBuffer device_encode_grid(const VisionConfig& v, const DeviceVisionWeights& w, const DeviceGemm& gemm,
                                const RotaryTable& rotary, const float* host_pixels, const VisualGrid& grid) {
  const std::int64_t n = grid.t * grid.h * grid.w;
  const int e = v.embed_dim, m2 = v.spatial_merge_size * v.spatial_merge_size;
  const DeviceBuffer pixels = upload(host_pixels, size_of(n, v.patch_dim()));
  DeviceBuffer x(size_of(n, e));
  gemm.linear(raw(pixels), n, w.patch_embed, raw(x));  // step 1: x_r = W_pe row_r
  const std::vector<float> host_angles =
      rotary_angle_rows(rotary, vision_positions(grid, v.spatial_merge_size), 0, n);  // step 2-3: (N, D_v / 2)
  const DeviceBuffer angles = upload(host_angles.data(), host_angles.size());
  for (const DeviceVisionBlock& block : w.blocks) {
    device_vision_block(v, block, gemm, raw(angles), rotary.allocation.layout, grid.h * grid.w, n, raw(x));
  }
  // Step 5: LN(ln_q) per row; m^2 consecutive rows are one (E m^2)-wide row of the row-major data.
  device_layer_norm(raw(x), n, e, raw(w.ln_q_weight), raw(w.ln_q_bias), v.layer_norm_eps, raw(x));
  const std::int64_t tokens = n / m2;
  DeviceBuffer hidden(size_of(tokens, w.mlp0.out)), out(size_of(tokens, w.mlp2.out));
  gemm.linear(raw(x), tokens, w.mlp0, raw(hidden));
  device_gelu(raw(hidden), tokens * w.mlp0.out);  // exact GELU x Phi(x)
  gemm.linear(raw(hidden), tokens, w.mlp2, raw(out));
  return out;
}

}  // namespace hopelab
