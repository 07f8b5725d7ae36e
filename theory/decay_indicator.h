#pragma once
// The position-only decay indicator of arXiv 2510.23095 (App. D.2), RoFormer's long-term decay
// bound per axis: for the pairs of one axis in frequency order theta_0 >= theta_1 >= ... (pair
// index order), S_j(Delta) = sum_{k<j} e^{i Delta theta_k} for j = 1..n, and the indicator is
// mean_j |S_j(Delta)|. It bounds how large |sum_k h_k e^{i Delta theta_k}| can stay at distance
// Delta along that axis (Abel summation); at Delta = 0 it is (n + 1) / 2. Zero-frequency pairs
// (HoPE's) count with theta = 0.

#include <vector>

#include "theory/method.h"

namespace hopelab {

// The frequencies of the pairs reading `axis`, in pair order (0 for a zero-frequency pair). (n)
std::vector<double> axis_frequencies(const Method& method, Axis axis);

// mean_{j=1..n} |S_j(Delta)| for the frequencies theta (n, in the order summed); 0 when n = 0.
double decay_indicator(const std::vector<double>& theta, double delta);

}  // namespace hopelab
