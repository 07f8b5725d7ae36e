#pragma once
// RoPE spectrum: theta_i = base^(-2i/d) for pair i = 0..d/2-1 (i = 0 is the highest
// frequency). Head dim d must be even and positive, base > 1 and finite.

#include <cmath>
#include <vector>

#include "theory/host_device.h"

namespace hopelab {

struct Spectrum {
  int head_dim = 128;  // d
  double base = 1e6;   // b (Qwen2 / Qwen2-VL)

  int pairs() const { return head_dim / 2; }  // P = d/2
};

// theta_i = b^(-2i/d).
HOPELAB_HD inline double rope_frequency(int pair, int head_dim, double base) {
  return ::pow(base, -2.0 * pair / head_dim);
}

// Throws InputError naming the bad value (odd or non-positive d, base <= 1 or not finite).
void validate(const Spectrum& spectrum);

// A partial rotary (GPT-NeoX, Qwen3.5): the first r of d dimensions rotate, at theta_i =
// b^(-2i/r) for i < r/2. On hopelab's d-spectrum this is b^(-2i/r) = (b^(d/r))^(-2i/d): the
// rotating pairs 0..r/2-1 take rope_frequency at the base b^(d/r) returned here, the others are
// zero-frequency pairs. Throws InputError naming d, r and b when b^(d/r) overflows a double.
double partial_rotary_base(double base, int head_dim, int rotary_dim);

// theta: (P)
std::vector<double> rope_frequencies(const Spectrum& spectrum);

}  // namespace hopelab
