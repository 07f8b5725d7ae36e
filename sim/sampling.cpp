#include "sim/sampling.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "kernels/moments.h"
#include "sim/device_sampling.h"
#include "theory/input_error.h"
#include "theory/spectrum.h"
#include "theory/text_format.h"

namespace hopelab {

namespace {

// Throws InputError unless `pool` is whole rows of d, at least 2 of them, all finite.
void validate_pool(const std::vector<double>& pool, int head_dim, const char* what) {
  const auto d = static_cast<size_t>(head_dim);
  if (pool.size() % d != 0) {
    throw InputError(std::string(what) + " holds " + std::to_string(pool.size()) + " values, not whole rows of d = " +
                     std::to_string(head_dim));
  }
  if (pool.size() / d < 2) {
    throw InputError(std::string(what) + " needs at least 2 rows, got " + std::to_string(pool.size() / d));
  }
  for (size_t k = 0; k < pool.size(); ++k) {
    if (!std::isfinite(pool[k])) {
      throw InputError(std::string(what) + " value at row " + std::to_string(k / d) + ", column " +
                       std::to_string(k % d) + " is not finite (" + format_number(pool[k]) + ")");
    }
  }
}

// Per-column (n, mean, m2) of a pool (rows, d) by Welford's update.
std::vector<Moments> column_moments(const std::vector<double>& pool, int head_dim) {
  std::vector<Moments> columns(static_cast<size_t>(head_dim));
  for (size_t k = 0; k < pool.size(); ++k) add(columns[k % columns.size()], pool[k]);
  return columns;
}

// The pool's rows on the device, or none (null) for an empty pool.
PoolRows device_rows(const thrust::device_vector<double>& rows, int head_dim) {
  if (rows.empty()) return {};
  return {thrust::raw_pointer_cast(rows.data()), static_cast<std::int64_t>(rows.size()) / head_dim};
}

}  // namespace

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
  if (cfg.law != ComponentLaw::empirical) {
    if (!cfg.query_pool.empty() || !cfg.key_pool.empty()) {
      throw InputError("vector pools are used only by the empirical law");
    }
    return;
  }
  if (cfg.query_pool.empty()) throw InputError("the empirical law needs a pool of query vectors");
  if (!cfg.scales.empty()) {
    throw InputError("the empirical law takes its scales from the pool, not per-dimension scales");
  }
  validate_pool(cfg.query_pool, method.spectrum.head_dim, "query pool");
  if (!cfg.key_pool.empty()) validate_pool(cfg.key_pool, method.spectrum.head_dim, "key pool");
}


std::vector<double> component_variances(const PreferenceSampling& sampling, int head_dim) {
  if (sampling.law == ComponentLaw::empirical) {
    std::vector<double> variances;
    for (const Moments& column : column_moments(sampling.query_pool, head_dim)) {
      variances.push_back(column.m2 / column.n);  // population variance: rows are drawn uniformly
    }
    return variances;
  }
  if (sampling.scales.empty()) return std::vector<double>(static_cast<size_t>(head_dim), sampling.sigma * sampling.sigma);
  std::vector<double> variances;
  for (double scale : sampling.scales) variances.push_back(scale * scale);
  return variances;
}

std::vector<double> component_scales(const PreferenceSampling& cfg, int head_dim) {
  if (cfg.law == ComponentLaw::empirical) {
    std::vector<double> scales = component_variances(cfg, head_dim);
    for (double& s : scales) s = std::sqrt(s);
    return scales;
  }
  return cfg.scales.empty() ? std::vector<double>(static_cast<size_t>(head_dim), cfg.sigma) : cfg.scales;
}

std::vector<double> expected_pair_products(const Method& method, const PreferenceSampling& sampling) {
  const int head_dim = method.spectrum.head_dim;
  const int pairs = method.spectrum.pairs();
  const std::vector<double> variance = component_variances(sampling, head_dim);
  // m: mean of q; n = m - m', m' the mean of k (a separate key pool only).
  std::vector<double> m(static_cast<size_t>(head_dim), sampling.mu), n(static_cast<size_t>(head_dim), 0.0);
  if (sampling.law == ComponentLaw::empirical) {
    const std::vector<Moments> queries = column_moments(sampling.query_pool, head_dim);
    const std::vector<Moments> keys =
        sampling.key_pool.empty() ? queries : column_moments(sampling.key_pool, head_dim);
    for (size_t j = 0; j < m.size(); ++j) {
      m[j] = queries[j].mean;
      n[j] = queries[j].mean - keys[j].mean;
    }
  }
  std::vector<double> expected(static_cast<size_t>(2 * pairs));
  for (int i = 0; i < pairs; ++i) {
    const PairDims p = pair_dimensions(i, head_dim, method.allocation.layout);
    const auto a = static_cast<size_t>(p.first), b = static_cast<size_t>(p.second);
    expected[static_cast<size_t>(i)] = variance[a] + variance[b] + m[a] * n[a] + m[b] * n[b];
    expected[static_cast<size_t>(pairs + i)] = m[a] * n[b] - m[b] * n[a];
  }
  return expected;
}

std::vector<double> preference_from_pair_products(const Method& method, const std::vector<double>& expected,
                                                  const std::vector<Offset3>& offsets) {
  const int pairs = method.spectrum.pairs();
  if (static_cast<int>(expected.size()) != 2 * pairs) {
    throw InputError("expected " + std::to_string(2 * pairs) + " pair products, got " +
                     std::to_string(expected.size()));
  }
  const std::vector<double> theta = rope_frequencies(method.spectrum);
  std::vector<double> w(expected.size());  // (cos phi_0..cos phi_{P-1}, sin phi_0..sin phi_{P-1})
  std::vector<double> out;
  out.reserve(offsets.size());
  for (const Offset3& offset : offsets) {
    rotation_weights(method, theta, offset, PhasePrecision::fp64, w.data());
    out.push_back(score_from_products(expected.data(), w.data(), w.data() + pairs, pairs));
  }
  return out;
}

SamplingParams sampling_params(const PreferenceSampling& cfg, const double* scales, PoolRows query_pool,
                               PoolRows key_pool) {
  if (cfg.law == ComponentLaw::empirical && query_pool.rows == nullptr) {
    throw std::logic_error("sampling_params: the empirical law needs its pools on the device (use DeviceSampling)");
  }
  if (key_pool.rows == nullptr) key_pool = query_pool;
  return {cfg.seed, cfg.samples, cfg.mu, cfg.eps, cfg.law,
          cfg.law == ComponentLaw::student_t ? std::sqrt((cfg.nu - 2.0) / cfg.nu) : 1.0, cfg.nu, cfg.normals, scales,
          query_pool, key_pool};
}

DeviceSampling::DeviceSampling(const PreferenceSampling& cfg, int head_dim)
    : scales_(component_scales(cfg, head_dim)),
      query_pool_(cfg.query_pool),
      key_pool_(cfg.key_pool),
      params_(sampling_params(cfg, thrust::raw_pointer_cast(scales_.data()), device_rows(query_pool_, head_dim),
                              device_rows(key_pool_, head_dim))) {}

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
