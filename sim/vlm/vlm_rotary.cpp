#include "sim/vlm/vlm_rotary.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "kernels/rotary.h"
#include "theory/input_error.h"
#include "theory/preference.h"
#include "theory/spectrum.h"

namespace hopelab {

Method language_method(const VlmConfig& config, const VlmRotary& rotary) {
  if (rotary.options.layout != PairLayout::halves) {
    throw InputError("the VLM rotates half-split pairs (i, i + d/2); pair layout '" +
                     std::string(pair_layout_name(rotary.options.layout)) + "' is not supported");
  }
  if (rotary.method == "mhrope") {
    throw InputError("method mhrope gives each KV head its own axis; the VLM rotates every head alike");
  }
  MethodOptions options = rotary.options;
  options.spectrum = Spectrum{config.head_dim(), config.rope_theta};
  // The config's rope_scaling.mrope_section holds Qwen2-VL's [t, h, w] counts: they are the
  // sections of mrope, videorope and hope. Other methods (mrope-interleave's [24, 20, 20],
  // hope-x's [32, 16, 16], 1D methods) keep their own defaults at d / 2, unless the caller chose.
  const bool qwen2vl_sections = rotary.method == "mrope" || rotary.method == "videorope" || rotary.method == "hope";
  if (!options.sections && qwen2vl_sections) {
    if (config.mrope_section.size() != 3) {
      throw InputError("mrope_section must have 3 entries [t, h, w], got " +
                       std::to_string(config.mrope_section.size()));
    }
    options.sections = AxisSections{config.mrope_section[0], config.mrope_section[1], config.mrope_section[2]};
  }
  return make_method(rotary.method, options);
}

RotaryTable language_rotary(const Method& method) {
  RotaryTable table;
  table.head_dim = method.spectrum.head_dim;
  table.allocation = method.allocation;
  table.theta = rope_frequencies(method.spectrum);  // theta_i = rope_theta^(-2i/d)
  return table;
}

RotaryTable vision_rotary(const VisionConfig& vision) {
  const int head_dim = vision.head_dim();  // D_v
  if (head_dim % 4 != 0) {
    throw InputError("vision head dim must be divisible by 4 for the 2D rotary, got " + std::to_string(head_dim));
  }
  const int quarter = head_dim / 4;
  RotaryTable table;
  table.head_dim = head_dim;
  table.allocation.layout = PairLayout::halves;
  for (int i = 0; i < 2 * quarter; ++i) {
    const int j = i % quarter;
    table.allocation.axis.push_back(i < quarter ? Axis::h : Axis::w);  // first half h, second half w
    table.allocation.zero.push_back(0);
    table.theta.push_back(rope_frequency(j, head_dim / 2, vision.rope_theta));  // omega_j = 10000^(-2j/(D_v/2))
  }
  return table;
}

void rotary_angles(const RotaryTable& table, const Position3& position, float* angles) {
  constexpr double kTwoPi = 2.0 * M_PI;
  const FrequencyAllocation& a = table.allocation;
  for (int i = 0; i < a.pairs(); ++i) {
    const double phi = pair_angle(axis_component(position, a.axis[i]), table.theta[i], a.zero[i] != 0);
    angles[i] = static_cast<float>(std::fmod(phi, kTwoPi));  // reduce in double: float keeps no phase at 1e7
  }
}

std::vector<float> rotary_angle_rows(const RotaryTable& table, const PositionIds& positions,
                                     std::int64_t first_position, std::int64_t rows) {
  const std::int64_t pairs = table.head_dim / 2;
  std::vector<float> angles(static_cast<std::size_t>(rows * pairs));
#pragma omp parallel for schedule(static) if (rows >= 256)
  for (std::int64_t r = 0; r < rows; ++r) {
    rotary_angles(table, positions.at(first_position + r), angles.data() + r * pairs);
  }
  return angles;
}

void rotate_rows(const RotaryTable& table, const PositionIds& positions, std::int64_t first_position,
                 std::int64_t rows, int heads, float* x, std::int64_t stride) {
  const int d = table.head_dim;
#pragma omp parallel if (rows >= 16)
  {
    std::vector<float> angles(static_cast<std::size_t>(d / 2));
#pragma omp for schedule(static)
    for (std::int64_t r = 0; r < rows; ++r) {
      rotary_angles(table, positions.at(first_position + r), angles.data());
      for (int h = 0; h < heads; ++h) {
        float* head = x + r * stride + static_cast<std::int64_t>(h) * d;
        rotate_pairs<float>(head, angles.data(), d, table.allocation.layout, head);  // R(phi) x, in place
      }
    }
  }
}

}  // namespace hopelab
