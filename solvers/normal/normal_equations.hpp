// Forming the normal equations A^T A x = A^T b in the working precision (?syrk, ?gemv): the rounding of this
// step is what squares the condition number, so it is part of the method and of its timed cost.
#pragma once

#include "solvers/lapack/lapack.hpp"
#include "solvers/solver.hpp"

namespace condbench::normal {

template <class T>
struct NormalEquations {
  arma::Mat<T> C;  // n x n, upper triangle of A^T A (full when mirrored)
  arma::Col<T> d;  // A^T b
};

// A is m x n with m >= n; the caller has checked the shape.
template <class T>
NormalEquations<T> form(const arma::Mat<T>& A, const arma::Col<T>& b, bool mirror_to_full) {
  const int m = static_cast<int>(A.n_rows);
  const int n = static_cast<int>(A.n_cols);
  NormalEquations<T> ne{arma::Mat<T>(A.n_cols, A.n_cols, arma::fill::zeros), arma::Col<T>(A.n_cols)};
  lapack::syrk('U', 'T', n, m, T(1), A.memptr(), lapack::ld(m), T(0), ne.C.memptr(), lapack::ld(n));
  lapack::gemv('T', m, n, T(1), A.memptr(), lapack::ld(m), b.memptr(), 1, T(0), ne.d.memptr(), 1);
  if (mirror_to_full)
    for (arma::uword j = 0; j < A.n_cols; ++j)
      for (arma::uword i = j + 1; i < A.n_cols; ++i) ne.C(i, j) = ne.C(j, i);
  return ne;
}

}  // namespace condbench::normal
