#pragma once
// Gradient checks of the backward ops (sim/train): central finite differences of a forward
// written here in long double (independent of the code under test), against the float32
// backward, within a derived float32 bound (kernels/float_error.h). The difference quotient's own
// error is far below it: step h = 1e-6 (|x| + 1) gives truncation h^2 |f'''| / 6 ~ 1e-13 and
// rounding ~ 1e-19 |L| / h ~ 1e-13 for the O(1) values used here.

#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "kernels/float_error.h"
#include "kernels/normal.h"

#include "../../worst_element.h"

namespace hopelab::train_test {

using LD = long double;
using Vec = std::vector<LD>;

// N(0, 1) draw `index` of stream `stream` (Philox, kernels/normal.h).
inline double normal(std::uint32_t stream, std::uint64_t index) {
  const VariatePair<double> pair = normal_pair(11, stream, index / 2, 0);
  return index % 2 == 0 ? pair.first : pair.second;
}

inline std::vector<float> randoms(std::size_t n, std::uint32_t stream, double scale = 1.0, double shift = 0.0) {
  std::vector<float> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<float>(shift + scale * normal(stream, i));
  return v;
}

inline Vec widen(const std::vector<float>& v) { return Vec(v.begin(), v.end()); }

// d/dx_i of sum_k r_k f(x)_k by central differences, for every i. f: the forward in long double.
inline Vec numeric_gradient(const std::function<Vec(const Vec&)>& f, const Vec& x, const Vec& r) {
  Vec g(x.size());
  Vec probe = x;
  const auto loss = [&](const Vec& at) {
    const Vec y = f(at);
    LD sum = 0;
    for (std::size_t k = 0; k < y.size(); ++k) sum += r[k] * y[k];
    return sum;
  };
  for (std::size_t i = 0; i < x.size(); ++i) {
    const LD h = 1e-6L * (std::fabs(x[i]) + 1);
    probe[i] = x[i] + h;
    const LD up = loss(probe);
    probe[i] = x[i] - h;
    const LD down = loss(probe);
    probe[i] = x[i];
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

// Elementwise |actual - expected| <= tolerance[i]; returns the worst element for the message.
inline test::WorstElement compare(const Vec& expected, const std::vector<float>& actual, const Vec& tolerance) {
  test::WorstElement worst;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    worst.consider(static_cast<std::int64_t>(i), expected[i], actual[i], tolerance[i]);
  }
  return worst;
}

// float32_error_bound(n, m_i) for every magnitude m_i.
inline Vec float_bounds(double n, const Vec& magnitude) {
  Vec tol(magnitude.size());
  for (std::size_t i = 0; i < tol.size(); ++i) tol[i] = float32_error_bound(n, static_cast<double>(magnitude[i]));
  return tol;
}

}  // namespace hopelab::train_test
