#include "sim/vlm/presets.h"

#include "theory/input_error.h"

namespace hopelab {
namespace {

// Special ids take the last six ids of the vocabulary, in Qwen2-VL's order of meaning.
void set_special_tokens(VlmConfig* c) {
  const int v = c->vocab_size;
  c->vision_start_token_id = v - 6;
  c->vision_end_token_id = v - 5;
  c->image_token_id = v - 4;
  c->video_token_id = v - 3;
  c->bos_token_id = v - 2;
  c->eos_token_id = v - 1;
}

VlmConfig tiny() {
  VlmConfig c;
  c.vocab_size = 1024;
  c.hidden_size = 128;
  c.intermediate_size = 256;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 4;
  c.num_key_value_heads = 2;
  c.rope_theta = 1e6;
  c.mrope_section = {4, 6, 6};  // Qwen2-VL's [16, 24, 24] at head_dim 32
  c.tie_word_embeddings = false;
  c.vision.depth = 2;
  c.vision.embed_dim = 32;
  c.vision.num_heads = 2;
  c.vision.hidden_size = c.hidden_size;
  set_special_tokens(&c);
  return c;
}

// The prototype's size for training on the needle task (sim/train/needle_task.h): hidden 64,
// 2 layers, base 10^4; patches of 2 x 2 pixels keep the vision tower small.
VlmConfig needle() {
  VlmConfig c;
  c.vocab_size = 32;
  c.hidden_size = 64;
  c.intermediate_size = 128;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 4;
  c.num_key_value_heads = 2;
  c.rope_theta = 1e4;
  c.mrope_section = {2, 3, 3};  // Qwen2-VL's [16, 24, 24] at head_dim 16
  c.tie_word_embeddings = false;
  c.vision.depth = 1;
  c.vision.embed_dim = 32;
  c.vision.num_heads = 2;
  c.vision.patch_size = 2;
  c.vision.hidden_size = c.hidden_size;
  set_special_tokens(&c);
  return c;
}

VlmConfig base100m() {
  VlmConfig c;
  c.vocab_size = 32000;
  c.hidden_size = 768;
  c.intermediate_size = 2048;
  c.num_hidden_layers = 12;
  c.num_attention_heads = 12;
  c.num_key_value_heads = 2;
  c.rope_theta = 1e6;
  c.mrope_section = {8, 12, 12};  // [16, 24, 24] at head_dim 64
  c.tie_word_embeddings = true;
  c.vision.depth = 4;
  c.vision.embed_dim = 384;
  c.vision.num_heads = 6;
  c.vision.hidden_size = c.hidden_size;
  set_special_tokens(&c);
  return c;
}

}  // namespace

const std::vector<std::string>& vlm_preset_names() {
  static const std::vector<std::string> names = {"tiny", "needle", "base100m"};
  return names;
}

VlmConfig vlm_preset(const std::string& name) {
  if (name == "tiny") return tiny();
  if (name == "needle") return needle();
  if (name == "base100m") return base100m();
  throw InputError("unknown model preset '" + name + "' (expected tiny, needle or base100m)");
}

}  // namespace hopelab
