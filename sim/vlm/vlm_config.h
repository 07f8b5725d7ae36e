#pragma once
// Configuration of a Qwen2-VL-architecture model, with the key names of Hugging Face's
// Qwen2VLConfig (config.json) and its vision_config. Only the keys the architecture needs;
// hopelab's rotary method is chosen at run time (VlmRotary), not stored here.
// Derived sizes: head_dim = hidden_size / num_attention_heads (LLM),
// vision head_dim = embed_dim / num_heads, merger width = embed_dim * spatial_merge_size^2.

#include <cstdint>
#include <string>
#include <vector>

namespace hopelab {

struct VisionConfig {
  int depth = 0;                  // ViT blocks
  int embed_dim = 0;              // ViT width
  int num_heads = 0;              // ViT heads; embed_dim % num_heads == 0, head dim % 4 == 0
  int mlp_ratio = 4;              // fc1 width = embed_dim * mlp_ratio (Qwen2-VL: 4)
  int in_chans = 3;               // C
  int hidden_size = 0;            // merger output = the LLM's hidden_size
  int patch_size = 14;            // spatial patch side
  int spatial_merge_size = 2;     // merge window side (2x2 patches -> one LLM token)
  int temporal_patch_size = 2;    // frames per temporal patch
  double layer_norm_eps = 1e-6;   // LayerNorm eps (not a config.json key in Qwen2-VL: fixed)
  double rope_theta = 10000.0;    // 2D vision rotary base (5.x: vision_config.rope_parameters)

  int head_dim() const { return embed_dim / num_heads; }
  int patch_dim() const { return in_chans * temporal_patch_size * patch_size * patch_size; }
  int merge_width() const { return embed_dim * spatial_merge_size * spatial_merge_size; }
};

struct VlmConfig {
  int vocab_size = 0;
  int hidden_size = 0;
  int intermediate_size = 0;
  int num_hidden_layers = 0;
  int num_attention_heads = 0;
  int num_key_value_heads = 0;    // num_attention_heads % num_key_value_heads == 0 (GQA)
  double rms_norm_eps = 1e-6;
  double rope_theta = 1e6;
  std::vector<int> mrope_section; // rope_scaling.mrope_section: [t, h, w], sum = head_dim / 2
  bool tie_word_embeddings = false;
  std::int64_t bos_token_id = 0;
  std::int64_t eos_token_id = 0;
  std::int64_t vision_start_token_id = 0;
  std::int64_t vision_end_token_id = 0;
  std::int64_t image_token_id = 0;
  std::int64_t video_token_id = 0;
  VisionConfig vision;

  int head_dim() const { return hidden_size / num_attention_heads; }
};

// Limits on a config's sizes, so that a file cannot ask for absurd allocations.
constexpr std::int64_t kVlmMaxWidth = 1 << 20;  // hidden, intermediate, embed sizes and heads
constexpr std::int64_t kVlmMaxVocab = 1 << 24;
constexpr std::int64_t kVlmMaxLayers = 4096;
constexpr std::int64_t kVlmMaxPatchSide = 1024;
constexpr std::int64_t kVlmMaxSmall = 16;       // channels, merge side, temporal patch, mlp_ratio

// The one set of checks on a config (the model's constructor and config.json's reader): sizes in
// [1, limit], hidden_size % num_attention_heads, heads % KV heads, an even head dim,
// mrope_section [t, h, w] summing to head_dim / 2, vision embed_dim % num_heads, vision head dim
// % 4, vision hidden_size == hidden_size, rms_norm_eps > 0, rope_theta > 1, special ids in
// [0, vocab_size), image and video ids distinct. Throws InputError "<source>: key '...' = ...".
void validate_vlm_config(const VlmConfig& config, const std::string& source = "config");

}  // namespace hopelab
