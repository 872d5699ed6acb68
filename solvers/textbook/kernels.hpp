// Plain loops shared by the textbook solvers, all in the working precision T, column-oriented because the
// matrices are column-major (row-oriented loops over a 2000 x 2000 matrix would be cache-bound and absurdly slow).
#pragma once

#include <armadillo>
#include <cstddef>

namespace condbench::textbook {

// Dot product with eight interleaved partial sums. A single running sum is latency-bound (and -ffp-contract=off
// with no -ffast-math forbids the compiler from splitting it); eight sums are still a fixed, honest summation order
// in T, with an error bound no worse than the sequential one.
template <class T>
T dot(const T* x, const T* y, std::size_t n) {
  T s[8] = {};
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int k = 0; k < 8; ++k) s[k] += x[i + k] * y[i + k];
  for (int k = 0; i < n; ++i, ++k) s[k] += x[i] * y[i];
  return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

// y -= a * x
template <class T>
void axpy_sub(T a, const T* x, T* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) y[i] -= a * x[i];
}

// Solves U x = x in place with U the upper triangle of the leading n x n of u (column-oriented back
// substitution). The caller has checked that the diagonal has no zero.
template <class T>
void back_substitute(const arma::Mat<T>& u, arma::Col<T>& x, std::size_t n) {
  for (std::size_t j = n; j-- > 0;) {
    x[j] /= u(j, j);
    axpy_sub(x[j], u.colptr(j), x.memptr(), j);
  }
}

// Solves L y = y in place with L unit lower triangular, stored below the diagonal of l.
template <class T>
void forward_substitute_unit(const arma::Mat<T>& l, arma::Col<T>& y, std::size_t n) {
  for (std::size_t j = 0; j < n; ++j) axpy_sub(y[j], l.colptr(j) + j + 1, y.memptr() + j + 1, n - j - 1);
}

}  // namespace condbench::textbook
