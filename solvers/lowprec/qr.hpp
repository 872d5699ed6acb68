// Householder QR of an m x n matrix (m >= n) in a scalar type S (Low<F> of low.hpp, or DD / float128 for the
// products of GMRES-LSIR), and the operations with its factors in any evaluation type P. LAPACK's dgeqr2 /
// dlarfg algorithm (Golub & Van Loan, Algorithm 5.2.1), one operation of S at a time: H_k = I - tau_k v_k v_k^T
// with v_k(k) = 1, R(k,k) = beta_k = -sign(a_kk) ||a(k:m, k)||. The norm is formed as s * sqrt(sum (x_i/s)^2),
// s = max |x_i| (as dnrm2 scales), so that the squares cannot overflow in fp16.
#pragma once

#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

namespace condbench::lowprec {

template <class S>
struct QrFactors {
  int m = 0, n = 0;
  std::vector<S> a;            // column-major m x n: R on and above the diagonal, v_k below it
  std::vector<S> tau;          // n
  bool overflow = false;       // an entry of R or of the reflectors is Inf or NaN
  bool zero_diagonal = false;  // R(k,k) = 0: A rounded to S is rank deficient in S arithmetic
  int column = -1;             // where (0-based)

  const S& at(int i, int j) const { return a[static_cast<std::size_t>(j) * m + i]; }
  S& at(int i, int j) { return a[static_cast<std::size_t>(j) * m + i]; }
};

template <class S>
QrFactors<S> qr_factor(std::vector<S> a, int m, int n) {
  using std::abs, std::isfinite, std::sqrt;
  QrFactors<S> f;
  f.m = m;
  f.n = n;
  f.a = std::move(a);
  f.tau.assign(static_cast<std::size_t>(n), S(0));
  for (int k = 0; k < n; ++k) {
    S scale(0);
    for (int i = k; i < m; ++i) scale = abs(f.at(i, k)) > scale ? abs(f.at(i, k)) : scale;
    if (scale == S(0)) {
      f.zero_diagonal = true;
      f.column = k;
      return f;
    }
    S ssq(0);
    for (int i = k; i < m; ++i) {
      const S t = f.at(i, k) / scale;
      ssq = ssq + t * t;
    }
    const S alpha = f.at(k, k);
    S beta = scale * sqrt(ssq);
    if (alpha > S(0)) beta = -beta;
    f.tau[k] = (beta - alpha) / beta;
    const S w = alpha - beta;
    for (int i = k + 1; i < m; ++i) f.at(i, k) = f.at(i, k) / w;
    f.at(k, k) = beta;
    for (int j = k + 1; j < n; ++j) {  // apply H_k to the trailing columns
      S d = f.at(k, j);
      for (int i = k + 1; i < m; ++i) d = d + f.at(i, k) * f.at(i, j);
      const S td = f.tau[k] * d;
      f.at(k, j) = f.at(k, j) - td;
      for (int i = k + 1; i < m; ++i) f.at(i, j) = f.at(i, j) - f.at(i, k) * td;
    }
  }
  for (int j = 0; j < n && !f.overflow; ++j)
    for (int i = 0; i < m; ++i)
      if (!isfinite(f.at(i, j))) {
        f.overflow = true;
        f.column = j;
        break;
      }
  return f;
}

// y <- Q^T y (transpose) or Q y, in P; fac and tau: the factors converted to P.
template <class P>
void apply_q(const std::vector<P>& fac, const std::vector<P>& tau, int m, int n, std::vector<P>& y, bool transpose) {
  for (int s = 0; s < n; ++s) {
    const int k = transpose ? s : n - 1 - s;
    const P* v = &fac[static_cast<std::size_t>(k) * m];
    P d = y[k];
    for (int i = k + 1; i < m; ++i) d = d + v[i] * y[i];
    const P td = tau[k] * d;
    y[k] = y[k] - td;
    for (int i = k + 1; i < m; ++i) y[i] = y[i] - v[i] * td;
  }
}

// y(0:n) <- R^-1 y(0:n) (or R^-T), in P.
template <class P>
void solve_r(const std::vector<P>& fac, int m, int n, std::vector<P>& y, bool transpose) {
  auto r = [&](int i, int j) -> const P& { return fac[static_cast<std::size_t>(j) * m + i]; };
  if (!transpose) {
    for (int j = n - 1; j >= 0; --j) {
      y[j] = y[j] / r(j, j);
      for (int i = 0; i < j; ++i) y[i] = y[i] - r(i, j) * y[j];
    }
  } else {
    for (int j = 0; j < n; ++j) {
      P s = y[j];
      for (int i = 0; i < j; ++i) s = s - r(i, j) * y[i];
      y[j] = s / r(j, j);
    }
  }
}

}  // namespace condbench::lowprec
