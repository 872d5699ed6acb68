// LU with partial pivoting in a scalar type S (Low<F> of low.hpp, or float / double), and the triangular
// solves with its factors in any evaluation type. The textbook right-looking algorithm (Golub & Van Loan,
// Algorithm 3.4.1): every operation is one operation of S, in a fixed order, so the result is the same on
// every machine.
#pragma once

#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

namespace condbench::lowprec {

template <class S>
struct LuFactors {
  enum class Outcome { ok, zero_pivot, overflow };
  int n = 0;
  std::vector<S> a;      // column-major n x n: L below the diagonal (unit diagonal implied), U on and above
  std::vector<int> piv;  // LAPACK style: at step k rows k and piv[k] were swapped
  Outcome outcome = Outcome::ok;
  int column = -1;  // zero_pivot / overflow: the first column (0-based) where it happened

  const S& at(int i, int j) const { return a[static_cast<std::size_t>(j) * n + i]; }
  S& at(int i, int j) { return a[static_cast<std::size_t>(j) * n + i]; }
};

// Factors the n x n column-major matrix `a` (moved in, already in S). Stops at the first exactly zero pivot
// (the factors cannot be used to solve); a non-finite entry of L or U (overflow, or the NaN an Inf then makes)
// is reported with the first column holding one.
template <class S>
LuFactors<S> lu_factor(std::vector<S> a, int n) {
  using std::abs, std::isfinite;  // float / double; Low<F> brings its own
  LuFactors<S> f;
  f.n = n;
  f.a = std::move(a);
  f.piv.assign(static_cast<std::size_t>(n), 0);
  for (int k = 0; k < n; ++k) {
    int p = k;
    S best = abs(f.at(k, k));
    for (int i = k + 1; i < n; ++i) {
      const S v = abs(f.at(i, k));
      if (v > best) best = v, p = i;
    }
    f.piv[k] = p;
    if (p != k)
      for (int j = 0; j < n; ++j) std::swap(f.at(k, j), f.at(p, j));
    const S pivot = f.at(k, k);
    if (pivot == S(0)) {
      f.outcome = LuFactors<S>::Outcome::zero_pivot;
      f.column = k;
      return f;
    }
    S* lk = &f.at(0, k);
    for (int i = k + 1; i < n; ++i) lk[i] = lk[i] / pivot;
    for (int j = k + 1; j < n; ++j) {
      const S ukj = f.at(k, j);
      S* col = &f.at(0, j);
      for (int i = k + 1; i < n; ++i) col[i] = col[i] - lk[i] * ukj;
    }
  }
  for (int j = 0; j < n && f.outcome == LuFactors<S>::Outcome::ok; ++j)
    for (int i = 0; i < n; ++i)
      if (!isfinite(f.at(i, j))) {
        f.outcome = LuFactors<S>::Outcome::overflow;
        f.column = j;
        break;
      }
  return f;
}

// Solves L U y = P v in place, every operation in P's arithmetic; `fac` holds the factors already converted to P
// (column-major, as LuFactors::a), `piv` the interchanges.
template <class P>
void lu_solve_in_place(const std::vector<P>& fac, const std::vector<int>& piv, int n, std::vector<P>& v) {
  for (int k = 0; k < n; ++k)
    if (piv[k] != k) std::swap(v[k], v[piv[k]]);
  for (int j = 0; j < n; ++j) {
    const P vj = v[j];
    const P* col = &fac[static_cast<std::size_t>(j) * n];
    for (int i = j + 1; i < n; ++i) v[i] = v[i] - col[i] * vj;
  }
  for (int j = n - 1; j >= 0; --j) {
    const P* col = &fac[static_cast<std::size_t>(j) * n];
    v[j] = v[j] / col[j];
    const P vj = v[j];
    for (int i = 0; i < j; ++i) v[i] = v[i] - col[i] * vj;
  }
}

}  // namespace condbench::lowprec
