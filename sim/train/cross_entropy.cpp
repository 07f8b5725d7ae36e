#include "sim/train/cross_entropy.h"

#include <algorithm>
#include <cmath>

namespace hopelab {

std::vector<std::int64_t> shifted_targets(const std::vector<std::int64_t>& labels,
                                          const std::vector<std::int64_t>& segments) {
  std::vector<std::int64_t> targets(labels.size(), kIgnoreLabel);
  for (std::size_t i = 0; i + 1 < labels.size(); ++i) targets[i] = labels[i + 1];
  std::size_t end = 0;
  for (std::int64_t n : segments) {  // a sequence's last row predicts nothing
    end += static_cast<std::size_t>(n);
    if (end >= 1 && end <= targets.size()) targets[end - 1] = kIgnoreLabel;
  }
  return targets;
}

std::int64_t counted_targets(const std::vector<std::int64_t>& targets) {
  return std::count_if(targets.begin(), targets.end(), [](std::int64_t t) { return t != kIgnoreLabel; });
}

CrossEntropy cross_entropy(const float* logits, std::int64_t rows, int vocab, const std::vector<std::int64_t>& targets,
                           double normaliser, float* dlogits) {
  CrossEntropy ce;
  for (std::int64_t i = 0; i < rows; ++i) {
    const float* z = logits + i * vocab;
    float* dz = dlogits != nullptr ? dlogits + i * vocab : nullptr;
    const std::int64_t target = targets[static_cast<std::size_t>(i)];
    if (target == kIgnoreLabel) {
      if (dz != nullptr) std::fill(dz, dz + vocab, 0.0f);
      continue;
    }
    const std::int64_t best = std::max_element(z, z + vocab) - z;
    const double max = z[best];
    double sum = 0.0;
    for (int v = 0; v < vocab; ++v) sum += std::exp(z[v] - max);
    const double log_sum = std::log(sum);
    ce.loss_sum += log_sum - (z[target] - max);  // -log softmax(z)[target]
    if (best == target) ++ce.correct;
    if (dz != nullptr) {
      for (int v = 0; v < vocab; ++v) {
        const double p = std::exp(z[v] - max - log_sum);
        dz[v] = static_cast<float>((p - (v == target ? 1.0 : 0.0)) / normaliser);
      }
    }
  }
  return ce;
}

}  // namespace hopelab
