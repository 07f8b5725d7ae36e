#pragma once
// Counter-based randomness: Random123's Philox4x32-10 (Salmon et al., "Parallel random
// numbers: as easy as 1, 2, 3", SC'11). A block of four 32-bit words is a pure function of
//   key     = (seed low 32 bits, seed high 32 bits)
//   counter = (sample low 32 bits, sample high 32 bits, draw, stream),
// so a sample's numbers depend only on (seed, stream, sample, draw): not on threads, blocks,
// or backend. Streams separate independent uses (q, k, eps, ...) under one seed.

#include <cstdint>

#include <Random123/philox.h>

#include "theory/host_device.h"

namespace hopelab {

struct RandomBlock {
  std::uint32_t word[4];
};

HOPELAB_HD inline RandomBlock philox_block(std::uint64_t seed, std::uint32_t stream, std::uint64_t sample,
                                           std::uint32_t draw) {
  const philox4x32_ctr_t counter = {{static_cast<std::uint32_t>(sample), static_cast<std::uint32_t>(sample >> 32),
                                     draw, stream}};
  const philox4x32_key_t key = {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
  const philox4x32_ctr_t out = philox4x32(counter, key);
  return {{out.v[0], out.v[1], out.v[2], out.v[3]}};
}

// Uniform on (0, 1] from 53 random bits of two words: (k + 1) 2^-53, k in [0, 2^53).
HOPELAB_HD inline double uniform_double(std::uint32_t high, std::uint32_t low) {
  const std::uint64_t bits = (static_cast<std::uint64_t>(high) << 21) ^ (static_cast<std::uint64_t>(low) >> 11);
  return static_cast<double>(bits + 1) * 0x1.0p-53;
}

// Uniform on (0, 1] from the top 24 bits of one word: (k + 1) 2^-24, k in [0, 2^24).
HOPELAB_HD inline float uniform_float(std::uint32_t word) {
  return static_cast<float>((word >> 8) + 1u) * 0x1.0p-24f;
}

}  // namespace hopelab
