#pragma once
// Frequency allocation: for each rotary pair i (0..P-1), the position axis whose difference
// it rotates by (t, h or w; 1D methods read t, and their designs set h = w = t) and whether
// its frequency is forced to zero (cos = 1, sin = 0 for every token, HoPE's HFA).
// Presets follow the reference implementations (see docs/references.md) and are
// generalised to any P = d/2 and to user-given sections [t, h, w].

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "theory/host_device.h"

namespace hopelab {

enum class Axis : std::uint8_t { t = 0, h = 1, w = 2 };
constexpr std::array<Axis, 3> kAxes = {Axis::t, Axis::h, Axis::w};
const char* axis_name(Axis axis);

// Which two dimensions of a head form pair i. halves: HF "rotate_half", (i, i + d/2);
// adjacent: RoFormer, (2i, 2i + 1). The math is the same up to this permutation.
enum class PairLayout : std::uint8_t { halves, adjacent };
const char* pair_layout_name(PairLayout layout);
PairLayout parse_pair_layout(const std::string& text);  // "halves" | "adjacent"

struct PairDims {
  int first;
  int second;
};
HOPELAB_HD inline PairDims pair_dimensions(int pair, int head_dim, PairLayout layout) {
  return layout == PairLayout::halves ? PairDims{pair, pair + head_dim / 2}
                                      : PairDims{2 * pair, 2 * pair + 1};
}

struct AxisSections {
  int t = 0, h = 0, w = 0;
  int total() const { return t + h + w; }
};
AxisSections parse_sections(const std::string& text);  // "16,24,24"

struct FrequencyAllocation {
  std::vector<Axis> axis;          // (P) axis read by pair i
  std::vector<std::uint8_t> zero;  // (P) 1 where pair i has frequency forced to zero
  PairLayout layout = PairLayout::halves;

  int pairs() const { return static_cast<int>(axis.size()); }
  // Pair indices reading `axis` (zero pairs included), ascending.
  std::vector<int> pairs_on(Axis a) const;
  std::vector<int> zero_pairs() const;
};

// All pairs read t (1D RoPE).
FrequencyAllocation allocate_vanilla(int pairs);
// Qwen2-VL M-RoPE, chunked: t on the first sections.t pairs (highest frequencies), then h, then w.
FrequencyAllocation allocate_mrope(int pairs, AxisSections sections);
// Qwen3-VL MRoPE-Interleave: pair i with i%3 == 1 and i < 3*sections.h reads h, i%3 == 2 and
// i < 3*sections.w reads w, every other pair reads t.
FrequencyAllocation allocate_mrope_interleave(int pairs, AxisSections sections);
// VideoRoPE LTA as the official code lays it out: t on the sections.t lowest-frequency pairs;
// the h + w others alternate h, w, h, ... from pair 0 (pair j < h + w reads h for even j, w for
// odd j), so only h + w counts: h gets ceil((h + w) / 2) pairs whatever the split.
FrequencyAllocation allocate_videorope(int pairs, AxisSections sections);
// HoPE HFA: VideoRoPE's layout with every temporal pair at zero frequency.
FrequencyAllocation allocate_hope(int pairs, AxisSections sections);
// MHRoPE (Huang et al. 2025, multi-head allocation) for KV head `head` of `kv_heads`: the
// sections count heads, not pairs; heads [0, t) read t on every pair, the next h read h, the next
// w read w, and heads from t + h + w on are NoPE (every pair at zero frequency, axis t).
FrequencyAllocation allocate_mhrope(int pairs, AxisSections head_sections, int kv_heads, int head);
// floor(f * P), the pairs a fraction f in [0, 1] of P pairs takes (p-RoPE's kept frequencies, a
// partial rotary's rotating pairs), read as the decimal the user wrote: 0.57 * 100 is
// 56.99999999999999 in double. `what` names the fraction in the error for f outside [0, 1].
int fraction_of_pairs(int pairs, double fraction, const char* what);
// p-RoPE: keep the floor(p * P) highest frequencies, zero the rest (1D).
FrequencyAllocation allocate_p_rope(int pairs, double keep_fraction);
// A partial rotary (Qwen3.5): the pairs of `rotating` first, then pairs - rotating.pairs()
// unrotated pairs at zero frequency, filed under axis t as every pair that reads no position is
// (nope, p-rope, an MHRoPE padding head; docs/theory.md "Qwen3.5").
FrequencyAllocation append_unrotated_pairs(FrequencyAllocation rotating, int pairs);
// Custom: "t:0-15;h:16-46:2;w:17-47:2;zero:48-63" (ranges a-b or a-b:step or single pairs).
// Each pair must read exactly one axis; zero pairs are any subset.
FrequencyAllocation parse_custom_allocation(int pairs, const std::string& spec);

// Throws InputError unless every pair has exactly one axis and zero flags match in length.
void validate(const FrequencyAllocation& allocation);

}  // namespace hopelab
