#include "sim/vlm/vlm_config.h"

#include <cmath>
#include <utility>

#include "theory/input_error.h"

namespace hopelab {
namespace {

[[noreturn]] void fail(const std::string& source, const std::string& what) { throw InputError(source + ": " + what); }

std::string value_text(std::int64_t value) { return std::to_string(value); }

}  // namespace

void validate_vlm_config(const VlmConfig& c, const std::string& source) {
  auto positive = [&](const char* key, std::int64_t value, std::int64_t high) {
    if (value < 1 || value > high) {
      fail(source,
           std::string("key '") + key + "' = " + value_text(value) + " is outside [1, " + value_text(high) + "]");
    }
  };
  positive("vocab_size", c.vocab_size, kVlmMaxVocab);
  positive("hidden_size", c.hidden_size, kVlmMaxWidth);
  positive("intermediate_size", c.intermediate_size, kVlmMaxWidth);
  positive("num_hidden_layers", c.num_hidden_layers, kVlmMaxLayers);
  positive("num_attention_heads", c.num_attention_heads, kVlmMaxWidth);
  positive("num_key_value_heads", c.num_key_value_heads, kVlmMaxWidth);
  positive("vision_config.depth", c.vision.depth, kVlmMaxLayers);
  positive("vision_config.embed_dim", c.vision.embed_dim, kVlmMaxWidth);
  positive("vision_config.num_heads", c.vision.num_heads, kVlmMaxWidth);
  positive("vision_config.mlp_ratio", c.vision.mlp_ratio, kVlmMaxSmall);
  positive("vision_config.in_chans", c.vision.in_chans, kVlmMaxSmall);
  positive("vision_config.hidden_size", c.vision.hidden_size, kVlmMaxWidth);
  positive("vision_config.patch_size", c.vision.patch_size, kVlmMaxPatchSide);
  positive("vision_config.spatial_merge_size", c.vision.spatial_merge_size, kVlmMaxSmall);
  positive("vision_config.temporal_patch_size", c.vision.temporal_patch_size, kVlmMaxSmall);
  if (!(c.rms_norm_eps > 0.0) || !std::isfinite(c.rms_norm_eps))
    fail(source, "key 'rms_norm_eps' = " + std::to_string(c.rms_norm_eps) + " is not positive");
  if (!(c.rope_theta > 1.0) || !std::isfinite(c.rope_theta))
    fail(source, "key 'rope_theta' = " + std::to_string(c.rope_theta) + " is not above 1");
  if (c.hidden_size % c.num_attention_heads != 0) {
    fail(source, "key 'hidden_size' = " + value_text(c.hidden_size) +
                     " is not divisible by num_attention_heads = " + value_text(c.num_attention_heads));
  }
  if (c.num_attention_heads % c.num_key_value_heads != 0) {
    fail(source, "key 'num_attention_heads' = " + value_text(c.num_attention_heads) +
                     " is not divisible by num_key_value_heads = " + value_text(c.num_key_value_heads));
  }
  if (c.head_dim() % 2 != 0)
    fail(source, "head dim hidden_size / num_attention_heads = " + value_text(c.head_dim()) + " is odd");
  std::int64_t section_sum = 0;
  bool section_ok = c.mrope_section.size() == 3;
  for (int s : c.mrope_section) {
    section_ok = section_ok && s >= 0;
    section_sum += s;
  }
  if (!section_ok || section_sum != c.head_dim() / 2) {
    std::string text = "[";
    for (size_t i = 0; i < c.mrope_section.size(); ++i) text += (i ? ", " : "") + value_text(c.mrope_section[i]);
    fail(source, "key 'rope_scaling.mrope_section' = " + text +
                     "] is not three non-negative entries summing to head_dim / 2 = " + value_text(c.head_dim() / 2));
  }
  if (c.vision.embed_dim % c.vision.num_heads != 0) {
    fail(source, "key 'vision_config.embed_dim' = " + value_text(c.vision.embed_dim) +
                     " is not divisible by vision_config.num_heads = " + value_text(c.vision.num_heads));
  }
  if (c.vision.head_dim() % 4 != 0) {
    fail(source,
         "vision head dim embed_dim / num_heads = " + value_text(c.vision.head_dim()) + " is not a multiple of 4");
  }
  if (c.vision.hidden_size != c.hidden_size) {
    fail(source, "key 'vision_config.hidden_size' = " + value_text(c.vision.hidden_size) +
                     " differs from hidden_size = " + value_text(c.hidden_size));
  }
  const std::pair<const char*, std::int64_t> ids[] = {{"bos_token_id", c.bos_token_id},
                                                      {"eos_token_id", c.eos_token_id},
                                                      {"vision_start_token_id", c.vision_start_token_id},
                                                      {"vision_end_token_id", c.vision_end_token_id},
                                                      {"image_token_id", c.image_token_id},
                                                      {"video_token_id", c.video_token_id}};
  for (const auto& [key, id] : ids) {
    if (id < 0 || id >= c.vocab_size) {
      fail(source, std::string("key '") + key + "' = " + value_text(id) +
                       " is outside [0, vocab_size = " + value_text(c.vocab_size) + ")");
    }
  }
  if (c.image_token_id == c.video_token_id)
    fail(source, "key 'video_token_id' = " + value_text(c.video_token_id) + " equals image_token_id");
}

}  // namespace hopelab
