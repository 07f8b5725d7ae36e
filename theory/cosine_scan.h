#pragma once
// Fast exact-in-double scan of S(m) = sum_i w_i cos(m * omega_i) over consecutive integers m,
// used by first violations and base bounds. Rather than one cos per pair and m, each pair
// keeps the unit complex number z_i = exp(i m omega_i) and multiplies it by exp(i omega_i)
// per step; every kResyncSteps steps z_i is recomputed from cos/sin(m omega_i) directly, so
// rounding drift stays below ~kResyncSteps * 4 eps per pair (docs/theory.md, "Scanning").

#include <cstdint>
#include <optional>
#include <vector>

namespace hopelab {

constexpr std::int64_t kResyncSteps = 512;

struct ScanResult {
  std::optional<std::int64_t> first_negative;  // smallest m in [first, last] with S(m) < 0
  double value = 0.0;                          // S at first_negative
};

// omega, weight: (P). Requires first >= 0.
ScanResult scan_first_negative(const std::vector<double>& omega, const std::vector<double>& weight,
                               std::int64_t first, std::int64_t last);

// Bound on |scanned S(m) - S(m) evaluated with one cos per pair| (same double phases).
double scan_rounding_bound(const std::vector<double>& weight);

}  // namespace hopelab
