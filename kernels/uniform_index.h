#pragma once
// Unbiased integers in [0, n) from counter-based Philox words (kernels/philox.h): Lemire's
// multiply-shift with rejection (D. Lemire, "Fast random integer generation in an interval",
// ACM TOMACS 29(1), 2019). A 64-bit word x = (word 2c << 32 | word 2c+1) gives the 128-bit
// product x n = hi 2^64 + lo; the candidate hi is accepted when lo >= 2^64 mod n, and is then
// exactly uniform on [0, n) for uniform x. Each Philox block holds two candidates; a draw reads
// blocks first_draw .. first_draw + kUniformIndexBlocks - 1 of its (seed, stream, sample).

#include <cstdint>

#include "kernels/philox.h"
#include "theory/host_device.h"

namespace hopelab {

// Blocks a draw may read, two candidates each. A candidate is rejected with probability
// (2^64 mod n) / 2^64 < n / 2^64, so all 8 fail with probability < (n / 2^64)^8 (< 2^-256 for
// n <= 2^32); the draw then returns the last candidate, so the bias is below that bound.
constexpr std::uint32_t kUniformIndexBlocks = 4;

// The 128-bit product a b as (high, low) 64-bit words, from 32-bit halves (host and device).
HOPELAB_HD inline void multiply_64x64(std::uint64_t a, std::uint64_t b, std::uint64_t& high, std::uint64_t& low) {
  const std::uint64_t mask = 0xffffffffULL;
  const std::uint64_t a_lo = a & mask, a_hi = a >> 32, b_lo = b & mask, b_hi = b >> 32;
  const std::uint64_t p0 = a_lo * b_lo, p1 = a_lo * b_hi, p2 = a_hi * b_lo, p3 = a_hi * b_hi;
  const std::uint64_t middle = (p0 >> 32) + (p1 & mask) + (p2 & mask);  // < 3 * 2^32: no overflow
  high = p3 + (p1 >> 32) + (p2 >> 32) + (middle >> 32);
  low = (middle << 32) | (p0 & mask);
}

// One uniform integer in [0, n), n >= 1, from the blocks at (seed, stream, sample, first_draw + a).
HOPELAB_HD inline std::uint64_t uniform_index(std::uint64_t n, std::uint64_t seed, std::uint32_t stream,
                                              std::uint64_t sample, std::uint32_t first_draw) {
  const std::uint64_t threshold = (0 - n) % n;  // 2^64 mod n
  std::uint64_t high = 0, low = 0;
  for (std::uint32_t a = 0; a < kUniformIndexBlocks; ++a) {
    const RandomBlock b = philox_block(seed, stream, sample, first_draw + a);
    for (int c = 0; c < 2; ++c) {
      const std::uint64_t x = (static_cast<std::uint64_t>(b.word[2 * c]) << 32) | b.word[2 * c + 1];
      multiply_64x64(x, n, high, low);
      if (low >= threshold) return high;
    }
  }
  return high;
}

}  // namespace hopelab
