#pragma once
// Rotary embedding inside the VLM (docs/vlm.md, Language model step 3 and Vision tower step 3):
// phi_i = pair_angle(axis_component(position, axis_i), theta_i, zero_i) in double, reduced
// modulo 2 pi, then applied in float with kernels/rotary.h's rotate_pairs, half-split pairs.
// The LLM's table comes from theory's make_method; the vision tower's 2D rotary is the same
// table type: pairs i < D_v/4 read h with omega_i, pairs D_v/4 + j read w with omega_j.

#include <cstdint>
#include <string>
#include <vector>

#include "sim/vlm/vlm_config.h"
#include "theory/method.h"

namespace hopelab {

// The rotary method of a model, chosen at run time: a theory method name (vanilla, mrope,
// mrope-interleave, videorope, hope, ...) and its options (gamma, delta, design, ...). The model
// sets options.spectrum to {head_dim, rope_theta}; options.sections, when not given, is the
// config's mrope_section for mrope, videorope and hope (Qwen2-VL's [t, h, w] counts) and the
// method's own default at d / 2 for the others (mrope-interleave: Qwen3-VL's [24, 20, 20] scaled).
struct VlmRotary {
  std::string method = "mrope";
  MethodOptions options;
};

// Per pair: the axis read, the zero flag and theta_i. Pair i is dimensions (i, i + d/2).
struct RotaryTable {
  int head_dim = 0;                  // d
  FrequencyAllocation allocation;    // (P) axis and zero flags, halves layout
  std::vector<double> theta;         // (P)
};

// The LLM's method: make_method(rotary.method, options) with Spectrum{head_dim, rope_theta} and
// sections as VlmRotary says. Throws InputError naming a bad method or option.
Method language_method(const VlmConfig& config, const VlmRotary& rotary);
RotaryTable language_rotary(const Method& method);
// Qwen2-VL's 2D vision rotary at vision head dim D_v (D_v % 4 == 0), base 10000.
RotaryTable vision_rotary(const VisionConfig& vision);

// angles: (P) floats, phi_i mod 2 pi for a token at `position`.
void rotary_angles(const RotaryTable& table, const Position3& position, float* angles);
// The angles of rows first_position .. first_position + rows - 1 of positions: (rows, P).
std::vector<float> rotary_angle_rows(const RotaryTable& table, const PositionIds& positions,
                                     std::int64_t first_position, std::int64_t rows);

// Rotates `heads` head slices (each d wide, contiguous) of every row in place, row r at
// positions.at(r). x: (rows, stride) with the heads at columns 0 .. heads * d - 1.
void rotate_rows(const RotaryTable& table, const PositionIds& positions, std::int64_t first_position,
                 std::int64_t rows, int heads, float* x, std::int64_t stride);

}  // namespace hopelab
