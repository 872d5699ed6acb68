// GMRES in the working precision T (float or double), for the correction equation of GMRES-IR: one cycle of at
// most `max_iterations` Arnoldi steps (modified Gram-Schmidt), Givens rotations on the Hessenberg matrix, x0 = 0,
// stopping when the residual estimate |g_{j+1}| <= tol * ||rhs||_2 or at the cap (Saad & Schultz 1986; Saad,
// Iterative Methods for Sparse Linear Systems, 2nd ed., Algorithm 6.9). The operator (the preconditioned
// product, evaluated in its own precision) is the caller's. Plain loops: no BLAS, so no fused multiply-add and
// a fixed summation order.
#pragma once

#include <cmath>
#include <cstddef>
#include <vector>

namespace condbench::lowprec {

template <class T>
struct GmresResult {
  std::vector<T> x;
  int iterations = 0;
  bool reached_tol = false;
  double relative_residual = 1;  // the estimate |g_{j+1}| / ||rhs||_2
};

template <class T>
T dot(const std::vector<T>& a, const std::vector<T>& b) {
  T s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

// op(v, w) writes the operator applied to v into w.
template <class T, class Op>
GmresResult<T> gmres(const Op& op, const std::vector<T>& rhs, T tol, int max_iterations) {
  const std::size_t n = rhs.size();
  GmresResult<T> out;
  out.x.assign(n, T(0));
  const T beta = std::sqrt(dot(rhs, rhs));
  if (beta == T(0)) {
    out.reached_tol = true;
    out.relative_residual = 0;
    return out;
  }
  const int m = max_iterations;
  std::vector<std::vector<T>> v(1, rhs);
  for (T& e : v[0]) e /= beta;
  std::vector<std::vector<T>> h(static_cast<std::size_t>(m),
                                std::vector<T>(static_cast<std::size_t>(m) + 1, T(0)));  // h[j][i]: column j
  std::vector<T> cs(m), sn(m), g(static_cast<std::size_t>(m) + 1, T(0));
  g[0] = beta;
  std::vector<T> w(n);
  int j = 0;
  for (; j < m; ++j) {
    op(v[j], w);
    for (int i = 0; i <= j; ++i) {
      const T hij = dot(w, v[i]);
      h[j][i] = hij;
      for (std::size_t k = 0; k < n; ++k) w[k] -= hij * v[i][k];
    }
    const T hnext = std::sqrt(dot(w, w));
    h[j][j + 1] = hnext;
    for (int i = 0; i < j; ++i) {  // the earlier rotations, applied to the new column
      const T a = h[j][i], b = h[j][i + 1];
      h[j][i] = cs[i] * a + sn[i] * b;
      h[j][i + 1] = -sn[i] * a + cs[i] * b;
    }
    const T r = std::hypot(h[j][j], h[j][j + 1]);
    cs[j] = r == T(0) ? T(1) : h[j][j] / r;
    sn[j] = r == T(0) ? T(0) : h[j][j + 1] / r;
    h[j][j] = r;
    h[j][j + 1] = 0;
    g[j + 1] = -sn[j] * g[j];
    g[j] = cs[j] * g[j];
    out.relative_residual = static_cast<double>(std::fabs(g[j + 1]) / beta);
    if (std::fabs(g[j + 1]) <= tol * beta || hnext == T(0)) {
      out.reached_tol = true;
      ++j;
      break;
    }
    if (j + 1 < m) {
      v.emplace_back(w);
      for (T& e : v.back()) e /= hnext;
    }
  }
  out.iterations = j;
  // Back substitution with the triangle, then x = V y.
  std::vector<T> y(static_cast<std::size_t>(j));
  for (int i = j - 1; i >= 0; --i) {
    T s = g[i];
    for (int k = i + 1; k < j; ++k) s -= h[k][i] * y[k];
    y[i] = h[i][i] == T(0) ? T(0) : s / h[i][i];
  }
  for (int k = 0; k < j; ++k)
    for (std::size_t i = 0; i < n; ++i) out.x[i] += y[k] * v[k][i];
  return out;
}

}  // namespace condbench::lowprec
