// Thin QR by Gram-Schmidt in T, and the solve x = R^{-1} (Q^T b) that the two textbook QR solvers share.
// Classical G-S projects the ORIGINAL column on all previous q's (loses orthogonality like kappa^2 u); modified
// G-S projects the partially orthogonalised column one q at a time (like kappa u). No column is ever skipped:
// an exactly zero R(j,j) is a failure (the lecture's "skip if R(j,j) < 1e-10" would change the method).
#pragma once

#include <cmath>
#include <vector>

#include "solvers/lapack/shape.hpp"
#include "solvers/stopwatch.hpp"
#include "solvers/textbook/kernels.hpp"

namespace condbench::textbook {

enum class GramSchmidt { classical, modified };

template <class T>
struct ThinQr {
  arma::Mat<T> Q;  // m x n
  arma::Mat<T> R;  // n x n upper
};

// Orthogonalises column j of qr.Q (holding a_j on entry) against q_0..q_{j-1}, filling R(0..j-1, j).
template <class T>
void orthogonalise(ThinQr<T>& qr, std::size_t j, GramSchmidt how) {
  const std::size_t m = qr.Q.n_rows;
  T* v = qr.Q.colptr(j);
  if (how == GramSchmidt::classical) {
    // All coefficients from the original column before any subtraction.
    for (std::size_t i = 0; i < j; ++i) qr.R(i, j) = dot(qr.Q.colptr(i), v, m);
    for (std::size_t i = 0; i < j; ++i) axpy_sub(qr.R(i, j), qr.Q.colptr(i), v, m);
  } else {
    for (std::size_t i = 0; i < j; ++i) {
      qr.R(i, j) = dot(qr.Q.colptr(i), v, m);
      axpy_sub(qr.R(i, j), qr.Q.colptr(i), v, m);
    }
  }
}

// Returns the 1-based column whose R(j,j) came out exactly zero, or 0.
template <class T>
std::size_t gram_schmidt(ThinQr<T>& qr, GramSchmidt how) {
  const std::size_t m = qr.Q.n_rows;
  for (std::size_t j = 0; j < qr.Q.n_cols; ++j) {
    orthogonalise(qr, j, how);
    T* v = qr.Q.colptr(j);
    // The lectures' plain 2-norm; overflow would need entries near sqrt(max) of T, far outside our problems.
    const T r = std::sqrt(dot(v, v, m));
    qr.R(j, j) = r;
    if (r == T(0)) return j + 1;
    for (std::size_t i = 0; i < m; ++i) v[i] /= r;
  }
  return 0;
}

template <class T>
SolveOutcome<T> solve_by_gram_schmidt(const SolveInput<T>& in, GramSchmidt how) {
  if (std::string e = shape::tall_error(in); !e.empty()) return SolveOutcome<T>::failure(e);
  const std::size_t n = in.A.n_cols;
  ThinQr<T> qr{in.A, arma::Mat<T>(n, n, arma::fill::zeros)};

  Stopwatch sw;
  const std::size_t zero_at = gram_schmidt(qr, how);
  const double factor_s = sw.lap();
  if (zero_at > 0)
    return shape::failed_after<T>(
        "rank deficient: R(" + std::to_string(zero_at) + "," + std::to_string(zero_at) + ") = 0", factor_s);
  arma::Col<T> x(n);
  for (std::size_t i = 0; i < n; ++i) x[i] = dot(qr.Q.colptr(i), in.b.memptr(), in.b.n_elem);
  back_substitute(qr.R, x, n);
  const double solve_s = sw.lap();
  return shape::solved(std::move(x), factor_s, solve_s);
}

}  // namespace condbench::textbook
