#pragma once
// HoPE Lemma A.1: for dt uniform on {0, ..., L-1}, the probability that cos(theta * dt) < 0.
// It is 0 when theta < pi / (2 (L-1)) and tends to 1/2 as theta grows.

#include <cstdint>

namespace hopelab {

// Exact count of n in [0, L-1] with cos(theta n) < 0, divided by L; O(min(L, L theta / 2 pi))
// work after reducing theta modulo 2 pi.
double sign_flip_probability(double theta, std::int64_t context_length);

// pi / (2 (L - 1)): below it no offset flips the sign.
double sign_flip_threshold(std::int64_t context_length);

}  // namespace hopelab
