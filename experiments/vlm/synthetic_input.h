#pragma once
// A random one-video prompt for end-to-end checks (`hopelab vlm input`): A text ids,
// vision_start, one video of F temporal patches whose LLM grid is GH x GW tokens (patch grid
// (F, m GH, m GW), m = spatial_merge_size), vision_end, B text ids.

#include <cstdint>
#include <utility>
#include <vector>

#include "sim/vlm/vlm_config.h"
#include "sim/vlm/vlm_input.h"

namespace hopelab {

struct SyntheticPrompt {
  std::int64_t text_before = 4;                                      // A
  std::int64_t frames = 2;                                           // F, temporal patches
  std::int64_t grid_height = 2;                                      // GH, LLM tokens
  std::int64_t grid_width = 2;                                       // GW
  std::int64_t text_after = 4;                                       // B
  std::vector<std::pair<std::int64_t, std::int64_t>> repeat_frames;  // (source, destination), applied in order
  std::uint64_t seed = 0;
};

// Text id at prompt position i: uniform_index(vocab_size - 6, seed, stream 0, sample i) (the top
// six ids are special, sim/vlm/presets.cpp). Pixel element e of the video (row-major over
// (F m^2 GH GW, patch_dim)): normal (e % 2) of normal_pair(seed, stream 1, sample e / 2, draw 0).
// Then each (s, d) of repeat_frames copies temporal patch s's rows onto temporal patch d.
// Bad sizes (below 0, or 1 for F, GH, GW; prompts above 2^24 tokens or 2^28 pixel values),
// repeat indices outside [0, F) and vocabularies without text ids throw InputError naming them.
VlmInput synthetic_video_prompt(const VlmConfig& config, const SyntheticPrompt& prompt);

// How the checks of a prompt name its sizes: the command line's flags by default, a spec's keys
// where a kind builds the prompt.
struct SyntheticPromptNames {
  const char* text_before = "--text-before";
  const char* frames = "--frames";
  const char* grid_height = "--grid-height";
  const char* grid_width = "--grid-width";
  const char* text_after = "--text-after";
  const char* repeat_frame = "--repeat-frame";
};

// The checks synthetic_video_prompt makes, without building the prompt: InputError naming the
// value by `names`.
void check_synthetic_prompt(const VlmConfig& config, const SyntheticPrompt& prompt,
                            const SyntheticPromptNames& names = {});

}  // namespace hopelab
