// Test problems with a known condition number and long-double checks for the solver tests.
#pragma once

#include <gtest/gtest.h>

#include <armadillo>
#include <cstdint>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "solvers/registry.hpp"
#include "solvers/solver.hpp"

namespace condbench::testing {

// m x k with orthonormal columns: Q of the QR of a seeded Gaussian matrix.
inline arma::mat random_orthonormal(arma::uword m, arma::uword k, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> gauss;
  arma::mat g(m, k);
  g.imbue([&] { return gauss(rng); });
  arma::mat q, r;
  arma::qr_econ(q, r, g);
  return q;
}

// A = U diag(s) V^T, m x n, with k = min(m, n) singular values s (largest first).
inline arma::mat with_singular_values(arma::uword m, arma::uword n, const arma::vec& s, std::uint64_t seed) {
  const arma::uword k = std::min(m, n);
  return random_orthonormal(m, k, seed) * arma::diagmat(s) * random_orthonormal(n, k, seed + 1).t();
}

// Symmetric Q diag(e) Q^T, made exactly symmetric so it stays so after rounding to float.
inline arma::mat symmetric_with_eigenvalues(const arma::vec& e, std::uint64_t seed) {
  const arma::mat q = random_orthonormal(e.n_elem, e.n_elem, seed);
  const arma::mat a = q * arma::diagmat(e) * q.t();
  return arma::symmatu(a);
}

inline arma::vec random_vector(arma::uword n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> gauss;
  arma::vec v(n);
  v.imbue([&] { return gauss(rng); });
  return v;
}

// kappa_2 = 10: singular values evenly spread over [1, 10].
inline arma::vec well_conditioned_spectrum(arma::uword k) { return arma::linspace<arma::vec>(10.0, 1.0, k); }

// A problem as stored in T, with what the accuracy checks need to know about it.
template <class T>
struct StoredProblem {
  arma::Mat<T> A;
  arma::Col<T> b;
  ProblemKind kind;
  double kappa;        // 2-norm condition number of the generating matrix
  bool zero_residual;  // b in range(A) before rounding
};

template <class T>
StoredProblem<T> well_conditioned(ProblemKind kind, std::uint64_t seed) {
  arma::mat a;
  bool zero_residual = true;
  switch (kind) {
    case ProblemKind::general:
      a = with_singular_values(40, 40, well_conditioned_spectrum(40), seed);
      break;
    case ProblemKind::spd:
      a = symmetric_with_eigenvalues(well_conditioned_spectrum(40), seed);
      break;
    case ProblemKind::least_squares:
      a = with_singular_values(90, 40, well_conditioned_spectrum(40), seed);
      break;
    case ProblemKind::underdetermined:
      a = with_singular_values(30, 70, well_conditioned_spectrum(30), seed);
      break;
  }
  arma::vec b = a * random_vector(a.n_cols, seed + 7);
  if (kind == ProblemKind::least_squares) {
    // A large residual orthogonal to range(A), as big as A x: exercises the kappa^2 * residual term.
    const arma::mat u = random_orthonormal(a.n_rows, a.n_cols, seed);  // the same U as in a
    arma::vec g = random_vector(a.n_rows, seed + 11);
    g -= u * (u.t() * g);
    b += g * (arma::norm(b) / arma::norm(g));
    zero_residual = false;
  }
  return {arma::conv_to<arma::Mat<T>>::from(a), arma::conv_to<arma::Col<T>>::from(b), kind, 10.0, zero_residual};
}

// A general square matrix that Gaussian elimination WITHOUT pivoting handles stably: strictly column diagonally
// dominant, so the growth factor is at most 2 (Higham, Thm 9.9). A random dense matrix gives no such guarantee:
// its leading minors can be nearly singular. kappa is measured, not prescribed.
template <class T>
StoredProblem<T> column_diagonally_dominant(arma::uword n, std::uint64_t seed) {
  arma::mat a = arma::reshape(random_vector(n * n, seed), n, n);
  for (arma::uword j = 0; j < n; ++j) a(j, j) = 1.5 * (arma::accu(arma::abs(a.col(j))) - std::abs(a(j, j)));
  const arma::vec b = a * random_vector(n, seed + 7);
  const arma::Mat<T> stored = arma::conv_to<arma::Mat<T>>::from(a);
  return {stored, arma::conv_to<arma::Col<T>>::from(b), ProblemKind::general,
          arma::cond(arma::conv_to<arma::mat>::from(stored)), true};
}

using LMat = std::vector<std::vector<long double>>;  // row-major, small sizes only

// Solves M y = c by Gaussian elimination with partial pivoting in long double.
std::vector<long double> solve_long_double(LMat m, std::vector<long double> c);

// The exact-in-long-double solution of the stored problem: A^-1 b, the least-squares solution (normal equations
// in long double: its kappa^2 * 2^-64 error is far below the tolerances), or the minimum-norm solution.
template <class T>
std::vector<long double> reference_solution(const arma::Mat<T>& A, const arma::Col<T>& b) {
  const arma::uword m = A.n_rows, n = A.n_cols;
  if (m == n) {
    LMat mm(n, std::vector<long double>(n));
    std::vector<long double> c(n);
    for (arma::uword i = 0; i < n; ++i) {
      c[i] = b[i];
      for (arma::uword j = 0; j < n; ++j) mm[i][j] = A(i, j);
    }
    return solve_long_double(mm, c);
  }
  if (m > n) {
    LMat mm(n, std::vector<long double>(n, 0.0L));
    std::vector<long double> c(n, 0.0L);
    for (arma::uword i = 0; i < n; ++i) {
      for (arma::uword k = 0; k < m; ++k) c[i] += static_cast<long double>(A(k, i)) * b[k];
      for (arma::uword j = 0; j < n; ++j)
        for (arma::uword k = 0; k < m; ++k) mm[i][j] += static_cast<long double>(A(k, i)) * A(k, j);
    }
    return solve_long_double(mm, c);
  }
  LMat mm(m, std::vector<long double>(m, 0.0L));
  std::vector<long double> c(m);
  for (arma::uword i = 0; i < m; ++i) {
    c[i] = b[i];
    for (arma::uword j = 0; j < m; ++j)
      for (arma::uword k = 0; k < n; ++k) mm[i][j] += static_cast<long double>(A(i, k)) * A(j, k);
  }
  const std::vector<long double> y = solve_long_double(mm, c);
  std::vector<long double> x(n, 0.0L);
  for (arma::uword k = 0; k < n; ++k)
    for (arma::uword i = 0; i < m; ++i) x[k] += static_cast<long double>(A(i, k)) * y[i];
  return x;
}

// r = b - A x in long double.
template <class T>
std::vector<long double> residual(const arma::Mat<T>& A, const arma::Col<T>& b, const arma::Col<T>& x) {
  std::vector<long double> r(A.n_rows);
  for (arma::uword i = 0; i < A.n_rows; ++i) r[i] = b[i];
  for (arma::uword j = 0; j < A.n_cols; ++j)
    for (arma::uword i = 0; i < A.n_rows; ++i) r[i] -= static_cast<long double>(A(i, j)) * x[j];
  return r;
}

long double norm1(const std::vector<long double>& v);
long double norm2(const std::vector<long double>& v);

template <class T>
long double norm1(const arma::Mat<T>& A) {
  long double best = 0;
  for (arma::uword j = 0; j < A.n_cols; ++j) {
    long double s = 0;
    for (arma::uword i = 0; i < A.n_rows; ++i) s += std::abs(static_cast<long double>(A(i, j)));
    best = std::max(best, s);
  }
  return best;
}

template <class T>
std::vector<long double> widen(const arma::Col<T>& v) {
  return std::vector<long double>(v.begin(), v.end());
}

// LAPACK's residual ratio ||b - A x||_1 / (||A||_1 ||x||_1 n u) (TESTING/LIN dget02); passes below 30.
template <class T>
long double residual_ratio(const arma::Mat<T>& A, const arma::Col<T>& b, const arma::Col<T>& x) {
  const long double u = unit_roundoff(precision_of<T>());
  return norm1(residual(A, b, x)) / (norm1(A) * norm1(widen(x)) * A.n_cols * u);
}

// LAPACK dqrt17-style ||A^T r||_1 / (||A||_1 * scale * max(m, n) * u), scale = ||r||_1, or ||b||_1 when the
// problem has (nearly) zero residual. Passes below 30.
template <class T>
long double normal_residual_ratio(const arma::Mat<T>& A, const arma::Col<T>& b, const arma::Col<T>& x,
                                  bool zero_residual) {
  const std::vector<long double> r = residual(A, b, x);
  std::vector<long double> atr(A.n_cols, 0.0L);
  for (arma::uword j = 0; j < A.n_cols; ++j)
    for (arma::uword i = 0; i < A.n_rows; ++i) atr[j] += static_cast<long double>(A(i, j)) * r[i];
  const long double u = unit_roundoff(precision_of<T>());
  const long double scale = zero_residual ? norm1(widen(b)) : norm1(r);
  return norm1(atr) / (norm1(A) * scale * std::max(A.n_rows, A.n_cols) * u);
}

// ||x - x_ref||_2 / ||x_ref||_2
template <class T>
long double forward_error(const arma::Col<T>& x, const std::vector<long double>& ref) {
  std::vector<long double> d(ref.size());
  for (std::size_t i = 0; i < ref.size(); ++i) d[i] = static_cast<long double>(x[i]) - ref[i];
  return norm2(d) / norm2(ref);
}

// The relative residual eta = ||r||_2 / (||A||_2 ||x||_2) of the exact least-squares solution, which multiplies
// kappa^2 in the least-squares perturbation bound.
template <class T>
long double least_squares_eta(const arma::Mat<T>& A, const arma::Col<T>& b, const std::vector<long double>& ref) {
  arma::Col<T> xr(ref.size());
  for (std::size_t i = 0; i < ref.size(); ++i) xr[i] = static_cast<T>(ref[i]);
  const long double norm_a = arma::norm(arma::conv_to<arma::mat>::from(A), 2);
  return norm2(residual(A, b, xr)) / (norm_a * norm2(ref));
}

// The solvers this test target covers (a GPU backend may register more in the same registry).
inline const std::vector<std::string>& cpu_solver_names() {
  static const std::vector<std::string> names = {"armadillo.solve", "lapack.cholesky",     "lapack.dsgesv",
                                                 "lapack.inverse",  "lapack.lu",           "lapack.qr",
                                                 "lapack.svd",      "normal.cholesky",     "normal.lu",
                                                 "textbook.cgs_qr", "textbook.ge_nopivot", "textbook.mgs_qr"};
  return names;
}

// "potrf" -> "spotrf" / "dpotrf", as the reasons name them.
template <class T>
std::string lapack_name(const char* base) {
  return std::string(std::is_same_v<T, float> ? "s" : "d") + base;
}

inline const Solver& solver(const std::string& name) {
  const Solver* s = SolverRegistry::instance().find(name);
  if (!s) throw std::runtime_error("solver not registered: " + name);
  return *s;
}

template <class T>
SolveOutcome<T> solve_with(const std::string& name, const arma::Mat<T>& A, const arma::Col<T>& b, ProblemKind kind) {
  return solver(name).solve(SolveInput<T>{A, b, kind});
}

}  // namespace condbench::testing
