#include "sim/vlm/host_ops.h"

#include <algorithm>

#include "kernels/rotary.h"

namespace hopelab {

void HostOps::grow_keeping(Buffer* b, std::size_t n) {
  if (b->size() >= n) return;
  b->resize(std::max(n, 2 * b->size()));
}

void HostOps::add(float* x, const float* y, std::int64_t n) const {
  for (std::int64_t i = 0; i < n; ++i) x[i] += y[i];
}

void HostOps::rotate(const float* angles, std::int64_t rows, int heads, int head_dim, PairLayout layout, float* x,
                     std::int64_t stride) const {
#pragma omp parallel for schedule(static) if (rows >= 16)
  for (std::int64_t r = 0; r < rows; ++r) {
    for (int h = 0; h < heads; ++h) {
      float* head = x + r * stride + static_cast<std::int64_t>(h) * head_dim;
      rotate_pairs<float>(head, angles + r * (head_dim / 2), head_dim, layout, head);  // R(phi) x, in place
    }
  }
}

void HostOps::gather_rows(const float* table, const std::vector<std::int64_t>& ids, int width, float* out) const {
  for (std::size_t r = 0; r < ids.size(); ++r) {
    std::copy_n(table + ids[r] * width, width, out + static_cast<std::int64_t>(r) * width);
  }
}

void HostOps::scatter_rows(const float* rows, const std::vector<std::int64_t>& targets, int width, float* out) const {
  for (std::size_t r = 0; r < targets.size(); ++r) {
    std::copy_n(rows + static_cast<std::int64_t>(r) * width, width, out + targets[r] * width);
  }
}

}  // namespace hopelab
