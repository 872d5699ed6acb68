// Shape checks shared by the CPU solvers: a solver handed the wrong shape fails with the reason instead of
// passing nonsense dimensions to LAPACK (which would print to stderr through xerbla).
#pragma once

#include <algorithm>
#include <climits>
#include <string>

#include "solvers/solver.hpp"

namespace condbench::shape {

inline std::string dims(arma::uword m, arma::uword n) { return std::to_string(m) + "x" + std::to_string(n); }

// Empty when A and b fit together and into Fortran ints; otherwise why not.
template <class T>
std::string basic_error(const SolveInput<T>& in) {
  if (in.b.n_elem != in.A.n_rows)
    return "b has " + std::to_string(in.b.n_elem) + " entries but A is " + dims(in.A.n_rows, in.A.n_cols);
  const arma::uword big = std::max(in.A.n_rows, in.A.n_cols);
  if (big > 0 && (big > INT_MAX || in.A.n_elem > static_cast<arma::uword>(INT_MAX)))
    return "A is " + dims(in.A.n_rows, in.A.n_cols) + ": too large for 32-bit LAPACK integers";
  return {};
}

template <class T>
std::string square_error(const SolveInput<T>& in) {
  std::string e = basic_error(in);
  if (e.empty() && in.A.n_rows != in.A.n_cols) e = "needs a square A, got " + dims(in.A.n_rows, in.A.n_cols);
  return e;
}

// m >= n: square or overdetermined.
template <class T>
std::string tall_error(const SolveInput<T>& in) {
  std::string e = basic_error(in);
  if (e.empty() && in.A.n_rows < in.A.n_cols) e = "needs m >= n, got " + dims(in.A.n_rows, in.A.n_cols);
  return e;
}

inline int as_int(arma::uword v) { return static_cast<int>(v); }

// A failure that happened after some work was timed keeps that time: a study reports what a breakdown cost.
template <class T>
SolveOutcome<T> failed_after(std::string why, double factor_s, double solve_s = 0) {
  SolveOutcome<T> o = SolveOutcome<T>::failure(std::move(why));
  o.timing = {factor_s, solve_s};
  return o;
}

template <class T>
SolveOutcome<T> solved(arma::Col<T> x, double factor_s, double solve_s) {
  SolveOutcome<T> o;
  o.x = std::move(x);
  o.timing = {factor_s, solve_s};
  return o;
}

inline std::string info_text(const std::string& routine, int info) { return routine + " info=" + std::to_string(info); }

}  // namespace condbench::shape
