// The worst element of an elementwise comparison, so that a failing test says why: worst
// index, expected, actual, error and tolerance. Header-only: include it by its path relative
// to the test file, e.g. #include "../worst_element.h".
//
// Worst = largest error / tolerance, error = |actual - expected| (NaN counts as worst; a zero
// tolerance makes any non-zero error worse than every finite ratio, ties then by the error).
// ok() holds when every considered element has error <= its tolerance (NaN never does):
//
//   hopelab::test::WorstElement worst;
//   for (...) worst.consider(i, expected_i, actual_i, tolerance_i);
//   EXPECT_TRUE(worst.ok()) << "d = " << d << ": " << worst.message();
//
//   const auto w = hopelab::test::worst_element(expected, actual, tol);   // one tolerance
//   const auto w = hopelab::test::worst_element(expected, actual, [&](std::size_t i) { ... });
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <ostream>
#include <sstream>
#include <string>
#include <type_traits>

namespace hopelab::test {

struct WorstElement {
  std::int64_t index = -1;  // -1: no element considered
  long double expected = 0, actual = 0, error = 0, tolerance = 0;
  std::size_t considered = 0;  // elements compared
  std::size_t beyond = 0;      // of them, with error > tolerance (or NaN)
  std::size_t expected_size = 0, actual_size = 0;  // set by worst_element; differing sizes fail ok()

  // Compares one element: actual `got` against `want` within `tol`.
  void consider(std::int64_t i, long double want, long double got, long double tol) {
    const long double err = std::fabs(got - want);
    ++considered;
    if (!(err <= tol)) ++beyond;
    if (index < 0 || worse(err, tol)) {
      index = i;
      expected = want;
      actual = got;
      error = err;
      tolerance = tol;
    }
  }

  bool ok() const { return beyond == 0 && expected_size == actual_size; }

  // "worst index I: expected E, actual A, error R, tolerance T (B of N elements beyond it)".
  std::string message(int digits = 17) const {
    std::ostringstream s;
    s.precision(digits);
    if (expected_size != actual_size) {
      s << "sizes differ: expected " << expected_size << ", actual " << actual_size << "; ";
    }
    if (index < 0) {
      s << "no elements compared";
      return s.str();
    }
    s << "worst index " << index << ": expected " << expected << ", actual " << actual << ", error " << error
      << ", tolerance " << tolerance << " (" << beyond << " of " << considered << " elements beyond their tolerance)";
    return s.str();
  }

 private:
  static long double ratio(long double err, long double tol) {
    if (std::isnan(err)) return std::numeric_limits<long double>::infinity();
    if (tol > 0) return err / tol;
    return err > 0 ? std::numeric_limits<long double>::infinity() : 0.0L;
  }
  bool worse(long double err, long double tol) const {
    if (std::isnan(error)) return false;  // NaN is already the worst
    if (std::isnan(err)) return true;
    const long double r = ratio(err, tol), current = ratio(error, tolerance);
    return r > current || (r == current && err > error);
  }
};

inline std::ostream& operator<<(std::ostream& out, const WorstElement& w) { return out << w.message(); }

// Every element of two equally long sequences (anything with size() and operator[]):
// `tolerance` is one number for all, or a callable giving element i's.
template <typename Expected, typename Actual, typename Tolerance>
WorstElement worst_element(const Expected& expected, const Actual& actual, const Tolerance& tolerance) {
  WorstElement w;
  w.expected_size = expected.size();
  w.actual_size = actual.size();
  for (std::size_t i = 0; i < expected.size() && i < actual.size(); ++i) {
    long double tol;
    if constexpr (std::is_invocable_v<const Tolerance&, std::size_t>) {
      tol = static_cast<long double>(tolerance(i));
    } else {
      tol = static_cast<long double>(tolerance);
    }
    w.consider(static_cast<std::int64_t>(i), static_cast<long double>(expected[i]),
               static_cast<long double>(actual[i]), tol);
  }
  return w;
}

}  // namespace hopelab::test
