#pragma once
// Qwen2-VL's vision tower (docs/vlm.md "Vision tower") over any Ops (sim/vlm/vlm_graph.h), one
// image or video grid at a time: patch embedding, 2D rotary positions per temporal patch,
// `depth` pre-norm ViT blocks with attention bidirectional within one temporal patch, and the
// merger (LayerNorm, m^2 rows concatenated, mlp.2(GELU(mlp.0(.)))). float32.

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "sim/vlm/attention.h"
#include "sim/vlm/forward_tape.h"
#include "sim/vlm/model_weights.h"
#include "sim/vlm/vlm_config.h"
#include "sim/vlm/vlm_input.h"
#include "sim/vlm/vlm_rotary.h"
#include "theory/position_design.h"

namespace hopelab {

// Step 2: the (hpos, wpos) of every patch row of a grid, row r at (0, hpos, wpos) with r taken
// within its temporal patch: window b = r / m^2, slot j = r % m^2,
// hpos = (b / (w/m)) m + j / m, wpos = (b % (w/m)) m + j % m. Returns (t h w) positions.
PositionIds vision_positions(const VisualGrid& grid, int merge);

// Consecutive grids of equal (h, w) encode as one grid of their summed t: the tower's attention
// and positions never cross a temporal patch, so the merged grid's rows are the grids' rows in
// order. A group: grids first .. first + count - 1, and their merged grid.
struct GridGroup {
  std::size_t first = 0, count = 0;
  VisualGrid merged;
};
std::vector<GridGroup> grid_groups(const std::vector<VisualGrid>& grids);

// Step 4: x <- x + proj(Attn(LN1(x))); x <- x + fc2(QuickGELU(fc1(LN2(x)))). x: (N, E);
// angles: (N, D_v/2); attention within each run of patches_per_frame rows. tape (may be null)
// keeps what the backward reads.
template <class Ops>
void vision_block(const Ops& ops, const VisionConfig& v, const VisionBlockWeights<Ops>& w, const float* angles,
                  PairLayout pairs, std::int64_t patches_per_frame, std::int64_t n, float* x,
                  VisionBlockTape<Ops>* tape = nullptr) {
  const int e = v.embed_dim, d = v.head_dim(), hidden = w.fc1.out;
  const auto size = [n](std::int64_t width) { return static_cast<std::size_t>(n * width); };
  typename Ops::Buffer y = ops.buffer(size(e)), qkv = ops.buffer(size(3 * e)), attn = ops.buffer(size(e));
  typename Ops::Buffer out = ops.buffer(size(e)), mlp = ops.buffer(size(hidden));
  if (tape != nullptr) tape->input = ops.copy_of(x, size(e));

  ops.layer_norm(x, n, e, Ops::data(w.norm1_weight), Ops::data(w.norm1_bias), v.layer_norm_eps,
                 Ops::data(y));                                                          // LN1(x)
  if (tape != nullptr) tape->norm1 = ops.copy_of(Ops::data(y), size(e));
  ops.linear(Ops::data(y), n, w.qkv, Ops::data(qkv));                                    // q | k | v = qkv(.)
  ops.rotate(angles, n, v.num_heads, d, pairs, Ops::data(qkv), 3 * e);                  // q rotated
  ops.rotate(angles, n, v.num_heads, d, pairs, Ops::data(qkv) + e, 3 * e);              // k rotated
  const AttentionShape shape{v.num_heads, v.num_heads, d};
  for (std::int64_t first = 0; first < n; first += patches_per_frame) {  // one temporal patch at a time
    AttentionArgs a;
    a.q = Ops::data(qkv) + first * 3 * e;
    a.k = a.q + e;
    a.v = a.q + 2 * e;
    a.q_stride = a.kv_stride = 3 * e;
    a.queries = a.keys = patches_per_frame;
    a.mask = AttentionMask::full;  // bidirectional within the temporal patch
    a.out = Ops::data(attn) + first * e;
    a.out_stride = e;
    ops.attention(shape, a);  // softmax(q k^T / sqrt(D_v)) v
  }
  ops.linear(Ops::data(attn), n, w.proj, Ops::data(out));
  ops.add(x, Ops::data(out), n * e);  // x + proj(Attn(LN1(x)))
  if (tape != nullptr) {  // qkv and attn are not read again: the tape takes them
    tape->mid = ops.copy_of(x, size(e));
    tape->qkv = std::move(qkv);
    tape->attn = std::move(attn);
  }

  ops.layer_norm(x, n, e, Ops::data(w.norm2_weight), Ops::data(w.norm2_bias), v.layer_norm_eps,
                 Ops::data(y));  // LN2(x)
  if (tape != nullptr) tape->norm2 = ops.copy_of(Ops::data(y), size(e));
  ops.linear(Ops::data(y), n, w.fc1, Ops::data(mlp));
  if (tape != nullptr) tape->fc1 = ops.copy_of(Ops::data(mlp), size(hidden));
  ops.quick_gelu(Ops::data(mlp), n * hidden);  // QuickGELU(fc1(.))
  ops.linear(Ops::data(mlp), n, w.fc2, Ops::data(out));
  ops.add(x, Ops::data(out), n * e);  // x + fc2(.)
  if (tape != nullptr) tape->mlp = std::move(mlp);
}

// The merger outputs of one grid: (t (h/m) (w/m), H), one row per LLM visual token, in an Ops
// buffer. host_pixels: (t h w, C T_p p p) in the processor's row order, on the host. tape (may
// be null) keeps what the backward reads.
template <class Ops>
typename Ops::Buffer encode_grid(const Ops& ops, const VisionConfig& v, const VisionWeights<Ops>& w,
                                 const RotaryTable& rotary, const float* host_pixels, const VisualGrid& grid,
                                 GridTape<Ops>* tape = nullptr) {
  const std::int64_t n = grid.t * grid.h * grid.w;
  const int e = v.embed_dim, m2 = v.spatial_merge_size * v.spatial_merge_size;
  const typename Ops::Param pixels = ops.param(host_pixels, static_cast<std::size_t>(n * v.patch_dim()));
  typename Ops::Buffer x = ops.buffer(static_cast<std::size_t>(n * e));
  ops.linear(Ops::data(pixels), n, w.patch_embed, Ops::data(x));  // step 1: x_r = W_pe row_r
  const std::vector<float> host_angles =
      rotary_angle_rows(rotary, vision_positions(grid, v.spatial_merge_size), 0, n);  // steps 2-3: (N, D_v/2)
  const typename Ops::Param angles = ops.param(host_angles.data(), host_angles.size());
  if (tape != nullptr) tape->blocks.resize(w.blocks.size());
  for (std::size_t b = 0; b < w.blocks.size(); ++b) {
    vision_block(ops, v, w.blocks[b], Ops::data(angles), rotary.allocation.layout, grid.h * grid.w, n, Ops::data(x),
                 tape != nullptr ? &tape->blocks[b] : nullptr);
  }
  if (tape != nullptr) {
    tape->angles = host_angles;
    tape->merger_input = ops.copy_of(Ops::data(x), static_cast<std::size_t>(n * e));
  }
  // Step 5: LN(ln_q) per row; m^2 consecutive rows are one (E m^2)-wide row of the row-major data.
  ops.layer_norm(Ops::data(x), n, e, Ops::data(w.ln_q_weight), Ops::data(w.ln_q_bias), v.layer_norm_eps,
                 Ops::data(x));
  if (tape != nullptr) tape->merger_normed = ops.copy_of(Ops::data(x), static_cast<std::size_t>(n * e));
  const std::int64_t tokens = n / m2;
  const int merged = w.mlp0.out, out_width = w.mlp2.out;
  typename Ops::Buffer hidden = ops.buffer(static_cast<std::size_t>(tokens * merged));
  typename Ops::Buffer out = ops.buffer(static_cast<std::size_t>(tokens * out_width));
  ops.linear(Ops::data(x), tokens, w.mlp0, Ops::data(hidden));
  if (tape != nullptr) tape->merger_hidden = ops.copy_of(Ops::data(hidden), static_cast<std::size_t>(tokens * merged));
  ops.gelu(Ops::data(hidden), tokens * merged);  // exact GELU x Phi(x)
  ops.linear(Ops::data(hidden), tokens, w.mlp2, Ops::data(out));
  if (tape != nullptr) tape->merger_activated = std::move(hidden);
  return out;
}

}  // namespace hopelab
