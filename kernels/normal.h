#pragma once
// Random variates from uniforms in (0, 1], host and device, float and double.
//   Normal: Box-Muller. r = sqrt(-2 ln u1), (z0, z1) = (r cos 2 pi u2, r sin 2 pi u2) are two
//     independent N(0, 1) (Box & Muller 1958). u1 > 0, so the log is finite.
//   Student-t with nu > 0 degrees of freedom: Bailey's polar method (Bailey 1994): U, V uniform
//     on (-1, 1), W = U^2 + V^2, accept W <= 1, then T = U sqrt(nu (W^(-2/nu) - 1) / W).
// Counter-based draws (kernels/philox.h) feed them: see normal_pair and student_t below.

#include <cmath>
#include <cstdint>

#include "kernels/philox.h"
#include "theory/host_device.h"

namespace hopelab {

template <typename T>
struct VariatePair {
  T first, second;
};

HOPELAB_HD inline VariatePair<double> box_muller(double u1, double u2) {
  const double r = ::sqrt(-2.0 * ::log(u1));
  const double angle = 6.283185307179586 * u2;  // 2 pi u2
  return {r * ::cos(angle), r * ::sin(angle)};
}

HOPELAB_HD inline VariatePair<float> box_muller(float u1, float u2) {
  const float r = ::sqrtf(-2.0f * ::logf(u1));
  const float angle = 6.28318530718f * u2;
  return {r * ::cosf(angle), r * ::sinf(angle)};
}

// Two N(0, 1) from the Philox block at (seed, stream, sample, draw), in double (53-bit uniforms).
HOPELAB_HD inline VariatePair<double> normal_pair(std::uint64_t seed, std::uint32_t stream, std::uint64_t sample,
                                                  std::uint32_t draw) {
  const RandomBlock b = philox_block(seed, stream, sample, draw);
  return box_muller(uniform_double(b.word[0], b.word[1]), uniform_double(b.word[2], b.word[3]));
}

// Attempts allowed per Student-t variate. Each is accepted with probability pi/4, so all
// failing has probability (1 - pi/4)^64 < 1e-42; the variate then returns 0.
constexpr std::uint32_t kStudentTAttempts = 64;

// One Student-t(nu) variate, component `index` of a sample: attempt a reads the block at draw
// index * kStudentTAttempts + a, so each component owns a fixed range of counters.
HOPELAB_HD inline double student_t(double nu, std::uint64_t seed, std::uint32_t stream, std::uint64_t sample,
                                   std::uint32_t index) {
  for (std::uint32_t a = 0; a < kStudentTAttempts; ++a) {
    const RandomBlock b = philox_block(seed, stream, sample, index * kStudentTAttempts + a);
    const double u = 2.0 * uniform_double(b.word[0], b.word[1]) - 1.0;  // (-1, 1]
    const double v = 2.0 * uniform_double(b.word[2], b.word[3]) - 1.0;
    const double w = u * u + v * v;
    if (w > 1.0 || w == 0.0) continue;
    return u * ::sqrt(nu * (::pow(w, -2.0 / nu) - 1.0) / w);
  }
  return 0.0;
}

}  // namespace hopelab
