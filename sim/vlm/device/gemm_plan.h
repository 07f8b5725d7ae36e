#pragma once
// The column-major GEMM that computes a row-major Linear, for BLAS libraries (cuBLAS):
// C (m x n) = op(A) (m x k) op(B) (k x n), all column-major with leading dimensions lda, ldb, ldc.
// A row-major (r, c) array is the column-major (c x r) array of its transpose, so
//   y (rows, out) = x (rows, in) W^T, W (out, in)
// is y^T (out x rows) = W x^T = op(A) B with A = W read as its column-major (in x out) transpose,
// op(A) = A^T, B = x read as (in x rows), C = y read as (out x rows).

namespace hopelab {

struct GemmPlan {
  bool transpose_a = false;  // op(A) = A^T
  bool transpose_b = false;  // op(B) = B^T
  int m = 0, n = 0, k = 0;
  int lda = 0, ldb = 0, ldc = 0;
};

// A = W, B = x, C = y for y = x W^T (no bias).
inline GemmPlan linear_gemm_plan(int rows, int out, int in) {
  GemmPlan p;
  p.transpose_a = true;
  p.transpose_b = false;
  p.m = out;
  p.n = rows;
  p.k = in;
  p.lda = in;   // W^T column-major (in x out)
  p.ldb = in;   // x^T column-major (in x rows)
  p.ldc = out;  // y^T column-major (out x rows)
  return p;
}

}  // namespace hopelab
