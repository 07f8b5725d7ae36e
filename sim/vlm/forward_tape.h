#pragma once
// What the training forward keeps for the backward pass (sim/train/model_gradients.h): per
// vision block, decoder layer and grid, the activations the backward of each step reads,
// copied at the point the forward graph (vlm_graph.h) computes them, the norms' outputs
// included (a copy costs less than a second pass over each row). Shapes beside each field:
// N patch rows of a grid, E vision width, L tokens, H hidden, I intermediate, n_h d query width.

#include <cstdint>
#include <vector>

namespace hopelab {

// One vision block (vision_tower.h vision_block), over a grid's N patch rows.
template <class Ops>
struct VisionBlockTape {
  typename Ops::Buffer input;  // (N, E) x entering the block
  typename Ops::Buffer norm1;  // (N, E) LN1(x)
  typename Ops::Buffer mid;    // (N, E) x + proj(Attn(LN1(x)))
  typename Ops::Buffer norm2;  // (N, E) LN2(mid)
  typename Ops::Buffer qkv;    // (N, 3E) q | k | v, q and k rotated
  typename Ops::Buffer attn;   // (N, E) Attn(.) before proj
  typename Ops::Buffer fc1;    // (N, 4E) fc1(LN2(.)) before QuickGELU
  typename Ops::Buffer mlp;    // (N, 4E) QuickGELU(fc1(.)), fc2's input
};

// One image or video grid group (vision_tower.h grid_groups) through the vision tower and the
// merger (encode_grid).
template <class Ops>
struct GridTape {
  std::vector<float> angles;                    // (N, D_v/2) the 2D rotary phases
  std::vector<VisionBlockTape<Ops>> blocks;     // per block
  typename Ops::Buffer merger_input;            // (N, E) last block's output, before ln_q
  typename Ops::Buffer merger_normed;           // (N, E) ln_q(.)
  typename Ops::Buffer merger_hidden;           // (N/m^2, 4E) mlp.0(.) before GELU
  typename Ops::Buffer merger_activated;        // (N/m^2, 4E) GELU(mlp.0(.)), mlp.2's input
};

// One decoder layer (language_model.h decoder_layer), over L rows.
template <class Ops>
struct DecoderLayerTape {
  typename Ops::Buffer input;  // (L, H) x entering the layer
  typename Ops::Buffer norm1;  // (L, H) RMSNorm1(x)
  typename Ops::Buffer mid;    // (L, H) h = x + o_proj(Attn(RMSNorm1(x)))
  typename Ops::Buffer norm2;  // (L, H) RMSNorm2(h)
  typename Ops::Buffer q;      // (L, n_h d) rotated queries (keys and values stay in the cache)
  typename Ops::Buffer attn;   // (L, n_h d) Attn(.) before o_proj
  typename Ops::Buffer gate;   // (L, I) gate_proj(RMSNorm2(h)) before SiLU
  typename Ops::Buffer up;     // (L, I) up_proj(RMSNorm2(h))
  typename Ops::Buffer act;    // (L, I) SiLU(gate) up, down_proj's input
};

// A whole prompt: its grid groups (images, then videos, in order), the decoder layers with their
// keys and values, and the input of the final norm.
template <class Ops>
struct ForwardTape {
  std::vector<GridTape<Ops>> image_grids;
  std::vector<GridTape<Ops>> video_grids;
  std::vector<float> angles;                      // (L, d/2) the LLM's rotary phases
  std::vector<std::int64_t> segments;             // a packed batch's sequence lengths, or empty
  std::vector<DecoderLayerTape<Ops>> layers;      // per layer
  std::vector<typename Ops::Buffer> keys, values; // per layer: (L, n_kv d), keys rotated
  typename Ops::Buffer final_input;               // (L, H) x before RMSNorm_final
  typename Ops::Buffer final_normed;              // (L, H) RMSNorm_final(x)
};

}  // namespace hopelab
