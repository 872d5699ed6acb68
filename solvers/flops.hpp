// The flop model: how many floating-point operations a named solver performs on an m x n problem with one
// right-hand side, so that a time becomes a GFLOP/s rate (bench/condbench_bench.cpp, reports).
//
// Counts follow LAPACK Working Note 41 / MAGMA's flops.h (one add or one multiply = one flop) and
// /work/shared/NUMERICS.md "Flop counts". They count the work the method's name promises, not what a library
// happens to do: a solver whose work depends on the data (SVD iterations, arma::solve's choice of routine) has
// no honest count and gets NaN, never a guess. Iterative refinement counts only the LU it rests on.
#pragma once

#include <cmath>
#include <limits>
#include <string>

namespace condbench::flop_model {

// ?getrf on n x n, MAGMA's exact count FMULS_GETRF + FADDS_GETRF at m = n:
// (n^3/3 + 2n/3) + (n^3/3 - n^2/2 + n/6) = 2n^3/3 - n^2/2 + 5n/6.
inline double getrf(double n) { return 2.0 * n * n * n / 3.0 - n * n / 2.0 + 5.0 * n / 6.0; }

// Two triangular solves with one right-hand side (?getrs, ?potrs): n^2 each, 2n^2 (LAWN 41 leading term).
inline double two_triangular_solves(double n) { return 2.0 * n * n; }

// ?potrf on n x n: n^3/3 (LAWN 41 leading term).
inline double potrf(double n) { return n * n * n / 3.0; }

// Householder QR ?geqrf of m x n, m >= n: 2mn^2 - 2n^3/3.
inline double geqrf(double m, double n) { return 2.0 * m * n * n - 2.0 * n * n * n / 3.0; }

// Applying Q^T to one vector with ?ormqr (n reflectors of length m..m-n+1): 4mn - 2n^2.
inline double ormqr_one_rhs(double m, double n) { return 4.0 * m * n - 2.0 * n * n; }

// One triangular solve with R, one right-hand side (?trsm / back substitution): n^2.
inline double triangular_solve(double n) { return n * n; }

// Forming A^T A for m x n A with ?syrk (one triangle): mn^2; and A^T b with ?gemv: 2mn.
inline double normal_equations(double m, double n) { return m * n * n + 2.0 * m * n; }

// ?getri (inverse from the LU factors: trtri n^3/3, then the solve with L, n^3): 4n^3/3 (LAWN 41 / MAGMA
// FMULS_GETRI + FADDS_GETRI, leading term). NUMERICS.md's "4n^3/3 in total (getrf + getri)" is getri alone: the
// explicit inverse from scratch is getrf + getri = 2n^3, three times the LU; x = inv(A) b by ?gemv adds 2n^2.
inline double getri(double n) { return 4.0 * n * n * n / 3.0; }
inline double inverse_then_gemv(double n) { return getrf(n) + getri(n) + 2.0 * n * n; }

// Gram-Schmidt thin QR of m x n (classical and modified do the same work): 2mn^2; the solve then forms Q^T b
// (2mn) and back-substitutes with R (n^2).
inline double gram_schmidt_solve(double m, double n) { return 2.0 * m * n * n + 2.0 * m * n + n * n; }

inline double lu_solve(double n) { return getrf(n) + two_triangular_solves(n); }
inline double cholesky_solve(double n) { return potrf(n) + two_triangular_solves(n); }
inline double qr_solve(double m, double n) {
  return geqrf(m, n) + ormqr_one_rhs(m, n) + triangular_solve(n);
}

}  // namespace condbench::flop_model

namespace condbench {

// Flops of one solve by a method class ("lu", "cholesky", "qr", "normal_cholesky", "normal_lu", "inverse",
// "gram_schmidt") of an m x n problem with one right-hand side; NaN for an unknown class or a shape the method
// does not take. Solvers from outside the tree (plugins, workers, other BLAS stacks, Eigen) name their class in
// SolverInfo::flop_method.
inline double method_flops(const std::string& method, int m_rows, int n_cols) {
  namespace fm = flop_model;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double m = m_rows, n = n_cols;
  if (m_rows <= 0 || n_cols <= 0) return nan;
  const bool square = m_rows == n_cols;
  // LU with or without pivoting: getrf + getrs. Pivot search and row swaps are not flops. Mixed precision with
  // refinement counts the LU (done in the lower precision) and its solve, so the rate compares directly with
  // lapack.lu's; refinement steps (O(n^2) each) are not counted.
  if (method == "lu") return square ? fm::lu_solve(n) : nan;
  if (method == "cholesky") return square ? fm::cholesky_solve(n) : nan;
  // Householder QR: geqrf + ormqr (Q^T b) + trsm (R x = c).
  if (method == "qr") return m >= n ? fm::qr_solve(m, n) : nan;
  // Normal equations: syrk (mn^2) + gemv (2mn), then Cholesky or LU of the n x n A^T A.
  if (method == "normal_cholesky") return m >= n ? fm::normal_equations(m, n) + fm::cholesky_solve(n) : nan;
  if (method == "normal_lu") return m >= n ? fm::normal_equations(m, n) + fm::lu_solve(n) : nan;
  if (method == "inverse") return square ? fm::inverse_then_gemv(n) : nan;
  if (method == "gram_schmidt") return m >= n ? fm::gram_schmidt_solve(m, n) : nan;
  return nan;
}

// The method class of a built-in solver's name; empty where no honest count exists (lapack.svd's gelsd,
// cusolver.svd, armadillo.solve, whose work depends on the data).
inline std::string flop_method_of(const std::string& solver_name) {
  const auto starts = [&](const char* prefix) { return solver_name.rfind(prefix, 0) == 0; };
  if (solver_name == "lapack.lu" || solver_name == "cusolver.lu" || solver_name == "textbook.ge_nopivot" ||
      solver_name == "lapack.dsgesv" || starts("cusolver.irs_"))
    return "lu";
  if (solver_name == "lapack.cholesky" || solver_name == "cusolver.cholesky") return "cholesky";
  if (solver_name == "lapack.qr" || solver_name == "cusolver.qr") return "qr";
  if (solver_name == "normal.cholesky") return "normal_cholesky";
  if (solver_name == "normal.lu") return "normal_lu";
  if (solver_name == "lapack.inverse") return "inverse";
  if (solver_name == "textbook.cgs_qr" || solver_name == "textbook.mgs_qr") return "gram_schmidt";
  return {};
}

// Flops of one solve by `solver_name` of an m x n problem with one right-hand side; NaN where no honest count
// exists (SVD-based and arma::solve; unknown names; shapes the method does not take).
inline double flops(const std::string& solver_name, int m_rows, int n_cols) {
  return method_flops(flop_method_of(solver_name), m_rows, n_cols);
}

}  // namespace condbench
