#pragma once
// Test fixtures for the VLM: the tiny preset, unit-gain random weights drawn with Philox (so that
// scores are O(1) and the rotary matters; not sim/vlm/random_weights' laws), a multimodal prompt
// (text, one image, text, one two-frame video, text) with random pixels. Comparisons report their
// worst element through tests/worst_element.h (included here for the VLM tests).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/normal.h"
#include "sim/vlm/parameters.h"
#include "sim/vlm/presets.h"
#include "sim/vlm/tensor.h"
#include "sim/vlm/vlm_input.h"
#include "sim/vlm/vlm_rotary.h"

#include "../../worst_element.h"

namespace hopelab::vlm_test {

// N(0, 1) number `index` of a stream.
inline double normal(std::uint64_t seed, std::uint32_t stream, std::uint64_t index) {
  const VariatePair<double> pair = normal_pair(seed, stream, index / 2, 0);
  return index % 2 == 0 ? pair.first : pair.second;
}

// Weights: matrices N(0, 1/in) (unit gain), embeddings N(0, 1), norm weights 1 + 0.1 z, biases
// 0.1 z. Parameter p of expected_parameters draws from stream p.
inline TensorMap fixture_weights(const VlmConfig& config, std::uint64_t seed) {
  TensorMap out;
  std::uint32_t stream = 0;
  for (const ParameterSpec& spec : expected_parameters(config)) {
    Tensor t;
    t.shape = spec.shape;
    t.data.resize(static_cast<std::size_t>(t.numel()));
    const bool norm = spec.name.find("norm") != std::string::npos || spec.name.find("ln_q") != std::string::npos;
    const bool bias = spec.name.size() > 5 && spec.name.compare(spec.name.size() - 5, 5, ".bias") == 0;
    const bool embed = spec.name == "model.embed_tokens.weight";
    const double fan_in = static_cast<double>(t.numel() / t.shape[0]);
    for (std::size_t e = 0; e < t.data.size(); ++e) {
      const double z = normal(seed, stream, e);
      double value;
      if (bias) value = 0.1 * z;
      else if (norm) value = 1.0 + 0.1 * z;
      else if (embed) value = z;
      else value = z / std::sqrt(fan_in);
      t.data[e] = static_cast<float>(value);
    }
    out[spec.name] = std::move(t);
    ++stream;
  }
  return out;
}

// text:5, image (1, 4, 4) -> 2x2 tokens framed by vision start/end, text:3, video (2, 4, 6) ->
// 2x2x3 tokens framed likewise, text:4. Pixels N(0, 1).
inline VlmInput fixture_input(const VlmConfig& c, std::uint64_t seed) {
  VlmInput in;
  auto text = [&](int n, std::uint64_t salt) {
    for (int i = 0; i < n; ++i) in.input_ids.push_back(static_cast<std::int64_t>((salt * 131 + 17 * static_cast<std::uint64_t>(i)) % 1000));
  };
  auto visual = [&](std::int64_t token, std::int64_t n) {
    in.input_ids.push_back(c.vision_start_token_id);
    for (std::int64_t i = 0; i < n; ++i) in.input_ids.push_back(token);
    in.input_ids.push_back(c.vision_end_token_id);
  };
  text(5, seed + 1);
  in.image_grid_thw = {{1, 4, 4}};
  visual(c.image_token_id, 4);
  text(3, seed + 2);
  in.video_grid_thw = {{2, 4, 6}};
  visual(c.video_token_id, 12);
  text(4, seed + 3);
  const std::int64_t patch_dim = c.vision.patch_dim();
  auto pixels = [&](std::int64_t rows, std::uint32_t stream) {
    Tensor t;
    t.shape = {rows, patch_dim};
    for (std::int64_t e = 0; e < rows * patch_dim; ++e) {
      t.data.push_back(static_cast<float>(normal(seed, stream, static_cast<std::uint64_t>(e))));
    }
    return t;
  };
  in.pixel_values = pixels(16, 0x70000000u);
  in.pixel_values_videos = pixels(48, 0x70000001u);
  return in;
}

// A rotary choice for the tiny preset, with the model's own sections (sim/vlm/vlm_rotary.h).
inline VlmRotary fixture_rotary(const std::string& method) { return VlmRotary{method, {}}; }

template <typename T>
double max_abs(const std::vector<T>& v) {
  double m = 0.0;
  for (const T& x : v) m = std::max(m, std::fabs(static_cast<double>(x)));
  return m;
}

}  // namespace hopelab::vlm_test
