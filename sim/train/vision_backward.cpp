#include "sim/train/vision_backward.h"

#include <vector>

#include "sim/train/attention_backward.h"
#include "sim/train/backward_ops.h"

namespace hopelab {
namespace {


// Block backward: dx (N, E) holds the gradient of the block's output and receives that of its
// input. Forward: mid = x + proj(Attn(LN1(x))), out = mid + fc2(QuickGELU(fc1(LN2(mid)))).
void block_backward(const VisionConfig& v, const VisionBlockWeights<HostOps>& w, const VisionBlockTape<HostOps>& t,
                    const float* angles, PairLayout pairs, std::int64_t patches_per_frame, std::int64_t n, float* dx,
                    VisionBlockWeights<GradientViewOps>* g) {
  const int e = v.embed_dim, d = v.head_dim(), hidden = w.fc1.out;
  // MLP: out = mid + fc2(a), a = QuickGELU(fc1(y2)), y2 = LN2(mid).
  ScratchBuffer da = scratch_buffer(n * hidden), dfc1 = scratch_buffer(n * hidden);
  linear_backward(t.mlp.data(), dx, n, w.fc2, g->fc2, da.data(), GradientWrite::assign);
  quick_gelu_backward(t.fc1.data(), da.data(), n * hidden, dfc1.data(), GradientWrite::assign);
  ScratchBuffer dy = scratch_buffer(n * e);
  linear_backward(t.norm2.data(), dfc1.data(), n, w.fc1, g->fc1, dy.data(), GradientWrite::assign);
  layer_norm_backward(t.mid.data(), dy.data(), n, e, w.norm2_weight, v.layer_norm_eps, dx, g->norm2_weight,
                      g->norm2_bias);  // dx now d mid

  // Attention: mid = x + proj(Attn(q, k, v)), q | k | v = qkv(LN1(x)), q and k rotated.
  ScratchBuffer dattn = scratch_buffer(n * e);
  std::vector<float> dqkv = zero_buffer(n * 3 * e);  // the attention backward adds into it
  linear_backward(t.attn.data(), dx, n, w.proj, g->proj, dattn.data(), GradientWrite::assign);
  std::vector<AttentionArgs> forward;
  std::vector<AttentionGradients> grads;
  for (std::int64_t first = 0; first < n; first += patches_per_frame) {  // the forward's temporal patches
    AttentionArgs f;
    f.q = t.qkv.data() + first * 3 * e;
    f.k = f.q + e;
    f.v = f.q + 2 * e;
    f.q_stride = f.kv_stride = 3 * e;
    f.queries = f.keys = patches_per_frame;
    f.mask = AttentionMask::full;
    f.out_stride = e;
    AttentionGradients ag;
    ag.dout = dattn.data() + first * e;
    ag.dq = dqkv.data() + first * 3 * e;
    ag.dk = ag.dq + e;
    ag.dv = ag.dq + 2 * e;
    forward.push_back(f);
    grads.push_back(ag);
  }
  attention_backward(AttentionShape{v.num_heads, v.num_heads, d}, forward, grads);
  rotate_backward(angles, n, v.num_heads, d, pairs, dqkv.data(), 3 * e);      // q
  rotate_backward(angles, n, v.num_heads, d, pairs, dqkv.data() + e, 3 * e);  // k
  linear_backward(t.norm1.data(), dqkv.data(), n, w.qkv, g->qkv, dy.data(), GradientWrite::assign);
  layer_norm_backward(t.input.data(), dy.data(), n, e, w.norm1_weight, v.layer_norm_eps, dx, g->norm1_weight,
                      g->norm1_bias);  // dx now d x
}

}  // namespace

void grid_backward(const VisionConfig& v, const VisionWeights<HostOps>& w, const RotaryTable& rotary,
                   const GridTape<HostOps>& tape, const float* host_pixels, const VisualGrid& grid,
                   const float* dmerged, VisionWeights<GradientViewOps>* g) {
  const std::int64_t n = grid.t * grid.h * grid.w;
  const int e = v.embed_dim, m2 = v.spatial_merge_size * v.spatial_merge_size;
  const std::int64_t tokens = n / m2;
  const int merged = w.mlp0.out;
  // Merger: out = mlp.2(GELU(mlp.0(z))), z = ln_q(x) read as (tokens, E m^2).
  ScratchBuffer dhidden = scratch_buffer(tokens * merged), dpre = scratch_buffer(tokens * merged);
  linear_backward(tape.merger_activated.data(), dmerged, tokens, w.mlp2, g->mlp2, dhidden.data(),
                  GradientWrite::assign);
  gelu_backward(tape.merger_hidden.data(), dhidden.data(), tokens * merged, dpre.data(), GradientWrite::assign);
  ScratchBuffer dz = scratch_buffer(n * e), dx = scratch_buffer(n * e);
  linear_backward(tape.merger_normed.data(), dpre.data(), tokens, w.mlp0, g->mlp0, dz.data(),
                  GradientWrite::assign);  // z = ln_q(x)
  layer_norm_backward(tape.merger_input.data(), dz.data(), n, e, w.ln_q_weight, v.layer_norm_eps, dx.data(),
                      g->ln_q_weight, g->ln_q_bias, GradientWrite::assign);
  for (std::size_t b = w.blocks.size(); b-- > 0;) {
    block_backward(v, w.blocks[b], tape.blocks[b], tape.angles.data(), rotary.allocation.layout, grid.h * grid.w, n,
                   dx.data(), &g->blocks[b]);
  }
  linear_backward(host_pixels, dx.data(), n, w.patch_embed, g->patch_embed, nullptr);  // x_r = W_pe row_r
}

}  // namespace hopelab
