#include "sim/vlm/vision_tower.h"

#include <cstddef>

#include "sim/vlm/attention.h"
#include "sim/vlm/layer_ops.h"

namespace hopelab {
namespace {

std::size_t size_of(std::int64_t rows, std::int64_t width) { return static_cast<std::size_t>(rows * width); }

// Step 4: x <- x + proj(Attn(LN1(x))); x <- x + fc2(QuickGELU(fc1(LN2(x)))). x: (N, E).
void vision_block(const VisionConfig& v, const VisionBlockWeights& w, const RotaryTable& rotary,
                  const PositionIds& positions, std::int64_t patches_per_frame, std::int64_t n, float* x) {
  const int e = v.embed_dim, d = v.head_dim();
  std::vector<float> y(size_of(n, e)), qkv(size_of(n, 3 * e)), attn(size_of(n, e)), out(size_of(n, e));
  layer_norm(x, n, e, w.norm1_weight, w.norm1_bias, v.layer_norm_eps, y.data());  // LN1(x)
  linear(y.data(), n, w.qkv, qkv.data());                                         // q | k | v = qkv(.)
  rotate_rows(rotary, positions, 0, n, v.num_heads, qkv.data(), 3 * e);          // q rotated
  rotate_rows(rotary, positions, 0, n, v.num_heads, qkv.data() + e, 3 * e);      // k rotated
  const AttentionShape shape{v.num_heads, v.num_heads, d};
  for (std::int64_t first = 0; first < n; first += patches_per_frame) {  // one temporal patch at a time
    AttentionArgs a;
    a.q = qkv.data() + first * 3 * e;
    a.k = a.q + e;
    a.v = a.q + 2 * e;
    a.q_stride = a.kv_stride = 3 * e;
    a.queries = a.keys = patches_per_frame;
    a.mask = AttentionMask::full;  // bidirectional within the temporal patch
    a.out = attn.data() + first * e;
    a.out_stride = e;
    attention(shape, a);  // softmax(q k^T / sqrt(D_v)) v
  }
  linear(attn.data(), n, w.proj, out.data());
  for (std::size_t i = 0; i < out.size(); ++i) x[i] += out[i];  // x + proj(Attn(LN1(x)))

  const int hidden = w.fc1.out;
  std::vector<float> mlp(size_of(n, hidden));
  layer_norm(x, n, e, w.norm2_weight, w.norm2_bias, v.layer_norm_eps, y.data());  // LN2(x)
  linear(y.data(), n, w.fc1, mlp.data());
  apply_quick_gelu(mlp.data(), n * hidden);  // QuickGELU(fc1(.))
  linear(mlp.data(), n, w.fc2, out.data());
  for (std::size_t i = 0; i < out.size(); ++i) x[i] += out[i];  // x + fc2(.)
}

}  // namespace

PositionIds vision_positions(const VisualGrid& grid, int merge) {
  PositionIds ids;
  const std::int64_t per_frame = grid.h * grid.w, windows_per_row = grid.w / merge, m2 = merge * merge;
  for (std::int64_t tau = 0; tau < grid.t; ++tau) {
    for (std::int64_t r = 0; r < per_frame; ++r) {
      const std::int64_t b = r / m2, j = r % m2;  // window b, slot j within it
      ids.t.push_back(0.0);
      ids.h.push_back(static_cast<double>((b / windows_per_row) * merge + j / merge));  // hpos
      ids.w.push_back(static_cast<double>((b % windows_per_row) * merge + j % merge));  // wpos
    }
  }
  return ids;
}

std::vector<float> encode_grid(const VisionConfig& v, const VisionWeights& w, const RotaryTable& rotary,
                               const float* pixels, const VisualGrid& grid) {
  const std::int64_t n = grid.t * grid.h * grid.w;
  const int e = v.embed_dim, m2 = v.spatial_merge_size * v.spatial_merge_size;
  std::vector<float> x(size_of(n, e));
  linear(pixels, n, w.patch_embed, x.data());  // step 1: x_r = W_pe row_r
  const PositionIds positions = vision_positions(grid, v.spatial_merge_size);
  for (const VisionBlockWeights& block : w.blocks) {
    vision_block(v, block, rotary, positions, grid.h * grid.w, n, x.data());
  }
  // Step 5: LN(ln_q) per row; m^2 consecutive rows are one (E m^2)-wide row of the row-major data.
  layer_norm(x.data(), n, e, w.ln_q_weight, w.ln_q_bias, v.layer_norm_eps, x.data());
  const std::int64_t tokens = n / m2;
  std::vector<float> hidden(size_of(tokens, w.mlp0.out)), out(size_of(tokens, w.mlp2.out));
  linear(x.data(), tokens, w.mlp0, hidden.data());
  apply_gelu(hidden.data(), tokens * w.mlp0.out);  // exact GELU x Phi(x)
  linear(hidden.data(), tokens, w.mlp2, out.data());
  return out;
}

}  // namespace hopelab
