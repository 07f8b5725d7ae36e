#include "sim/sampling.h"

#include <cmath>
#include <string>

#include "theory/input_error.h"
#include "theory/text_format.h"

namespace hopelab {

void validate_sampling(const Method& method, const PreferenceSampling& cfg) {
  if (cfg.samples < 2) throw InputError("samples must be >= 2, got " + std::to_string(cfg.samples));
  if (method.spectrum.head_dim > kMaxEstimatorHeadDim) {
    throw InputError("Monte Carlo head dim must be <= " + std::to_string(kMaxEstimatorHeadDim) + ", got " +
                     std::to_string(method.spectrum.head_dim));
  }
  if (!(cfg.sigma > 0.0) || !std::isfinite(cfg.sigma)) {
    throw InputError("sigma must be a finite number > 0, got " + format_number(cfg.sigma));
  }
  if (!(cfg.eps >= 0.0) || !std::isfinite(cfg.eps)) {
    throw InputError("eps must be a finite number >= 0, got " + format_number(cfg.eps));
  }
  if (!std::isfinite(cfg.mu)) throw InputError("mu must be finite, got " + format_number(cfg.mu));
  if (!cfg.scales.empty() && static_cast<int>(cfg.scales.size()) != method.spectrum.head_dim) {
    throw InputError("per-dimension scales need d = " + std::to_string(method.spectrum.head_dim) + " values, got " +
                     std::to_string(cfg.scales.size()));
  }
  for (double scale : cfg.scales) {
    if (!(scale >= 0.0) || !std::isfinite(scale)) {
      throw InputError("scales must be finite and >= 0, got " + format_number(scale));
    }
  }
  if (cfg.law == ComponentLaw::student_t && !(cfg.nu > 2.0 && std::isfinite(cfg.nu))) {
    throw InputError("Student-t components need finite nu > 2 (unit variance), got " + format_number(cfg.nu));
  }
}


std::vector<double> component_variances(const PreferenceSampling& sampling, int head_dim) {
  if (sampling.scales.empty()) return std::vector<double>(static_cast<size_t>(head_dim), sampling.sigma * sampling.sigma);
  std::vector<double> variances;
  for (double scale : sampling.scales) variances.push_back(scale * scale);
  return variances;
}

std::vector<double> component_scales(const PreferenceSampling& cfg, int head_dim) {
  return cfg.scales.empty() ? std::vector<double>(static_cast<size_t>(head_dim), cfg.sigma) : cfg.scales;
}

SamplingParams sampling_params(const PreferenceSampling& cfg, const double* scales) {
  return {cfg.seed, cfg.samples, cfg.mu, cfg.eps, cfg.law,
          cfg.law == ComponentLaw::student_t ? std::sqrt((cfg.nu - 2.0) / cfg.nu) : 1.0, cfg.nu, scales};
}

void rotation_weights(const Method& method, const std::vector<double>& theta, const Offset3& offset,
                      PhasePrecision precision, double* w) {
  const int pairs = method.spectrum.pairs();
  for (int i = 0; i < pairs; ++i) {
    const auto k = static_cast<size_t>(i);
    const double delta = axis_component(offset, method.allocation.axis[k]);
    const bool zero = method.allocation.zero[k] != 0;
    if (precision == PhasePrecision::fp32) {
      const float phi = pair_angle(static_cast<float>(delta), static_cast<float>(theta[k]), zero);
      w[i] = static_cast<double>(std::cos(phi));
      w[i + pairs] = static_cast<double>(std::sin(phi));
    } else {
      const double phi = pair_angle(delta, theta[k], zero);
      w[i] = std::cos(phi);
      w[i + pairs] = std::sin(phi);
    }
  }
}

}  // namespace hopelab
