#include "sim/train/adamw.h"

#include <cmath>
#include <string>

#include "theory/input_error.h"

namespace hopelab {

AdamWState adamw_state(const TensorMap& parameters) {
  AdamWState s;
  for (const auto& [name, t] : parameters) {
    s.first_moment[name] = Tensor{t.shape, std::vector<float>(t.data.size(), 0.0f)};
    s.second_moment[name] = Tensor{t.shape, std::vector<float>(t.data.size(), 0.0f)};
  }
  return s;
}

void adamw_step(const AdamWSettings& a, double lr, const TensorMap& gradients, TensorMap* parameters,
                AdamWState* state) {
  ++state->step;
  const double t = static_cast<double>(state->step);
  const double correction1 = 1.0 - std::pow(a.beta1, t), correction2 = 1.0 - std::pow(a.beta2, t);
  for (auto& [name, p] : *parameters) {
    const auto g = gradients.find(name);
    if (g == gradients.end() || g->second.shape != p.shape || g->second.data.size() != p.data.size()) {
      throw InputError("gradient of '" + name + "' is missing or misshapen");
    }
    float* m = state->first_moment.at(name).data.data();
    float* v = state->second_moment.at(name).data.data();
    const float* grad = g->second.data.data();
    const auto n = static_cast<std::int64_t>(p.data.size());
#pragma omp parallel for schedule(static) if (n >= (1 << 16))
    for (std::int64_t i = 0; i < n; ++i) {
      const double gi = grad[i];
      const double mi = a.beta1 * m[i] + (1.0 - a.beta1) * gi;        // m <- b1 m + (1 - b1) g
      const double vi = a.beta2 * v[i] + (1.0 - a.beta2) * gi * gi;   // v <- b2 v + (1 - b2) g^2
      m[i] = static_cast<float>(mi);
      v[i] = static_cast<float>(vi);
      const double decayed = p.data[i] * (1.0 - lr * a.weight_decay);  // decoupled weight decay
      const double step = lr * (mi / correction1) / (std::sqrt(vi / correction2) + a.eps);
      p.data[i] = static_cast<float>(decayed - step);
    }
  }
}

double global_norm(const TensorMap& tensors) {
  double squares = 0.0;
  for (const auto& [name, t] : tensors) {
    for (float x : t.data) squares += static_cast<double>(x) * x;
  }
  return std::sqrt(squares);
}

double clip_gradient_norm(double max_norm, TensorMap* gradients) {
  const double norm = global_norm(*gradients);
  if (max_norm > 0.0 && norm > max_norm) {
    const auto scale = static_cast<float>(max_norm / (norm + 1e-6));
    for (auto& [name, t] : *gradients) {
      for (float& g : t.data) g *= scale;
    }
  }
  return norm;
}

}  // namespace hopelab
