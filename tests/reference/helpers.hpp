// Test problems and independent multiprecision solves for the reference tests.
#pragma once

#include "studies/reference/reference.hpp"

#include <boost/multiprecision/mpfr.hpp>

#include <armadillo>

#include <cmath>
#include <vector>

namespace condbench::testing {

// 400 bits: a plain elimination is exact to ~1e-120 * kappa, far below the reference.
using Mp = boost::multiprecision::number<boost::multiprecision::mpfr_float_backend<121>,
                                         boost::multiprecision::et_off>;

inline arma::mat haar(arma::uword n, arma::uword seed) {
  arma::arma_rng::set_seed(seed);
  arma::mat G(n, n, arma::fill::randn), Q, R;
  arma::qr(Q, R, G);
  for (arma::uword j = 0; j < n; ++j)
    if (R(j, j) < 0) Q.col(j) *= -1;
  return Q;
}

// m x n with geometric singular values 1 .. 1/kappa (randsvd mode 3).
inline arma::mat randsvd(arma::uword m, arma::uword n, double kappa, arma::uword seed) {
  const arma::uword k = std::min(m, n);
  arma::mat U = haar(m, seed), V = haar(n, seed + 7777);
  arma::mat S(m, n, arma::fill::zeros);
  for (arma::uword i = 0; i < k; ++i) S(i, i) = std::pow(kappa, -static_cast<double>(i) / static_cast<double>(k - 1));
  return U * S * V.t();
}

inline arma::mat to_float_stored(const arma::mat& A) { return arma::conv_to<arma::mat>::from(arma::fmat(arma::conv_to<arma::fmat>::from(A))); }

using MpMat = std::vector<std::vector<Mp>>;  // row-major

// Solves the square system in Mp by Gaussian elimination with partial pivoting.
inline std::vector<Mp> mp_solve(MpMat a, std::vector<Mp> b) {
  const std::size_t n = b.size();
  for (std::size_t k = 0; k < n; ++k) {
    std::size_t p = k;
    for (std::size_t i = k + 1; i < n; ++i)
      if (abs(a[i][k]) > abs(a[p][k])) p = i;
    std::swap(a[k], a[p]);
    std::swap(b[k], b[p]);
    for (std::size_t i = k + 1; i < n; ++i) {
      const Mp l = a[i][k] / a[k][k];
      for (std::size_t j = k; j < n; ++j) a[i][j] -= l * a[k][j];
      b[i] -= l * b[k];
    }
  }
  std::vector<Mp> x(n);
  for (std::size_t i = n; i-- > 0;) {
    Mp s = b[i];
    for (std::size_t j = i + 1; j < n; ++j) s -= a[i][j] * x[j];
    x[i] = s / a[i][i];
  }
  return x;
}

// Exact LS solution (m > n) via the normal equations in Mp, the min-norm solution
// (m < n) via x = A^T (A A^T)^{-1} b, or the square solve.
inline std::vector<Mp> mp_reference(const arma::mat& A, const arma::vec& b) {
  const std::size_t m = A.n_rows, n = A.n_cols;
  if (m == n) {
    MpMat a(n, std::vector<Mp>(n));
    std::vector<Mp> rhs(n);
    for (std::size_t i = 0; i < n; ++i) {
      rhs[i] = b[i];
      for (std::size_t j = 0; j < n; ++j) a[i][j] = A(i, j);
    }
    return mp_solve(a, rhs);
  }
  if (m > n) {
    MpMat g(n, std::vector<Mp>(n, Mp(0)));
    std::vector<Mp> rhs(n, Mp(0));
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < n; ++j)
        for (std::size_t k = 0; k < m; ++k) g[i][j] += Mp(A(k, i)) * A(k, j);
      for (std::size_t k = 0; k < m; ++k) rhs[i] += Mp(A(k, i)) * b[k];
    }
    return mp_solve(g, rhs);
  }
  MpMat g(m, std::vector<Mp>(m, Mp(0)));
  std::vector<Mp> rhs(m);
  for (std::size_t i = 0; i < m; ++i) {
    rhs[i] = b[i];
    for (std::size_t j = 0; j < m; ++j)
      for (std::size_t k = 0; k < n; ++k) g[i][j] += Mp(A(i, k)) * A(j, k);
  }
  const std::vector<Mp> y = mp_solve(g, rhs);
  std::vector<Mp> x(n, Mp(0));
  for (std::size_t k = 0; k < n; ++k)
    for (std::size_t i = 0; i < m; ++i) x[k] += Mp(A(i, k)) * y[i];
  return x;
}

// ||x - y||_2 / ||y||_2 with x the reference (Real) and y the Mp solution.
inline double rel_error(const std::vector<ref::Real>& x, const std::vector<Mp>& y) {
  Mp d = 0, s = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    const Mp xi(x[i].str(80, std::ios_base::scientific));
    d += (xi - y[i]) * (xi - y[i]);
    s += y[i] * y[i];
  }
  return static_cast<double>(sqrt(d / s));
}

}  // namespace condbench::testing
