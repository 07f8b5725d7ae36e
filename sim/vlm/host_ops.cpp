#include "sim/vlm/host_ops.h"

#include <algorithm>
#include <vector>

#include "kernels/rotary.h"

namespace hopelab {

void HostOps::grow_keeping(Buffer* b, std::size_t n) {
  if (b->size() >= n) return;
  b->resize(std::max(n, 2 * b->size()));
}

void HostOps::add(float* x, const float* y, std::int64_t n) const {
  for (std::int64_t i = 0; i < n; ++i) x[i] += y[i];
}

void rotate_heads(const float* angles, std::int64_t rows, int heads, int head_dim, PairLayout layout,
                  float sine_sign, float* x, std::int64_t stride) {
  const int pairs = head_dim / 2;
#pragma omp parallel if (rows >= 16)
  {
    std::vector<float> c(static_cast<std::size_t>(pairs)), s(static_cast<std::size_t>(pairs));
#pragma omp for schedule(static)
    for (std::int64_t r = 0; r < rows; ++r) {
      for (int i = 0; i < pairs; ++i) {
        cos_sin(angles[r * pairs + i], &c[static_cast<std::size_t>(i)], &s[static_cast<std::size_t>(i)]);
        s[static_cast<std::size_t>(i)] *= sine_sign;
      }
      for (int h = 0; h < heads; ++h) {
        float* head = x + r * stride + static_cast<std::int64_t>(h) * head_dim;
        for (int i = 0; i < pairs; ++i) {  // R(phi) x, in place
          rotate_pair(head, pair_dimensions(i, head_dim, layout), c[static_cast<std::size_t>(i)],
                      s[static_cast<std::size_t>(i)], head);
        }
      }
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
