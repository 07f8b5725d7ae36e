// The column-major GEMM plan of a row-major Linear (sim/vlm/device/gemm_plan.h), the arguments
// the CUDA build hands to cublasSgemm: evaluated by a plain column-major GEMM written from the
// BLAS definition, it must give y[r][o] = sum_i x[r][i] W[o][i] exactly (both sum i in the same
// order in double, so the results are bit-identical). The twin: a plan with op(A) not
// transposed must not.

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "sim/vlm/device/gemm_plan.h"
#include "vlm_fixture.h"

namespace hopelab {
namespace {

// C = op(A) op(B) by the BLAS definition: element (i, j) of a column-major matrix M with leading
// dimension ld is M[i + j ld]; op(M)(i, j) = M(j, i) when transposed.
std::vector<double> blas_gemm(const GemmPlan& p, const std::vector<float>& a, const std::vector<float>& b) {
  auto op_a = [&](int i, int l) { return p.transpose_a ? a[static_cast<std::size_t>(l + i * p.lda)] : a[static_cast<std::size_t>(i + l * p.lda)]; };
  auto op_b = [&](int l, int j) { return p.transpose_b ? b[static_cast<std::size_t>(j + l * p.ldb)] : b[static_cast<std::size_t>(l + j * p.ldb)]; };
  std::vector<double> c(static_cast<std::size_t>(p.ldc) * static_cast<std::size_t>(p.n), 0.0);
  for (int j = 0; j < p.n; ++j) {
    for (int i = 0; i < p.m; ++i) {
      double sum = 0.0;
      for (int l = 0; l < p.k; ++l) sum += static_cast<double>(op_a(i, l)) * op_b(l, j);
      c[static_cast<std::size_t>(i + j * p.ldc)] = sum;
    }
  }
  return c;
}

struct LinearCase {
  int rows, out, in;
};

class GemmPlanTest : public ::testing::TestWithParam<LinearCase> {};

TEST_P(GemmPlanTest, ComputesTheRowMajorLinear) {
  const LinearCase c = GetParam();
  std::vector<float> x(static_cast<std::size_t>(c.rows * c.in)), w(static_cast<std::size_t>(c.out * c.in));
  for (std::size_t e = 0; e < x.size(); ++e) x[e] = static_cast<float>(vlm_test::normal(3, 0, e));
  for (std::size_t e = 0; e < w.size(); ++e) w[e] = static_cast<float>(vlm_test::normal(3, 1, e));
  std::vector<double> expected(static_cast<std::size_t>(c.rows * c.out));  // y (rows, out), row-major
  for (int r = 0; r < c.rows; ++r) {
    for (int o = 0; o < c.out; ++o) {
      double sum = 0.0;
      for (int i = 0; i < c.in; ++i) sum += static_cast<double>(x[static_cast<std::size_t>(r * c.in + i)]) * w[static_cast<std::size_t>(o * c.in + i)];
      expected[static_cast<std::size_t>(r * c.out + o)] = sum;
    }
  }
  const GemmPlan plan = linear_gemm_plan(c.rows, c.out, c.in);
  EXPECT_EQ(blas_gemm(plan, w, x), expected);  // A = W, B = x, C = y

  if (c.out == c.in) {  // the twin, where an untransposed A has the same shape: must differ
    GemmPlan wrong = plan;
    wrong.transpose_a = false;
    EXPECT_NE(blas_gemm(wrong, w, x), expected);
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, GemmPlanTest,
                         ::testing::Values(LinearCase{1, 7, 5}, LinearCase{9, 4, 4}, LinearCase{13, 32, 32},
                                           LinearCase{3, 128, 64}, LinearCase{64, 17, 33}));

}  // namespace
}  // namespace hopelab
