// High-precision reference solutions and condition numbers of STORED problems.
//
// Input is always the matrix and right-hand side exactly as the solver sees them
// (float data widened to double is exact). The reference never looks at a
// solver's output.
#pragma once

#include "solvers/solver.hpp"

#include <boost/multiprecision/cpp_bin_float.hpp>

#include <armadillo>

#include <limits>
#include <string>
#include <vector>

namespace condbench::ref {

// Storage type of reference solutions: 256-bit binary float (Boost.Multiprecision).
using Real = boost::multiprecision::number<boost::multiprecision::cpp_bin_float<256, boost::multiprecision::digit_base_2>,
                                           boost::multiprecision::et_off>;

struct ReferenceSolution {
  std::vector<Real> x;        // n entries: the exact solution of the stored problem
                              // (least squares: the LS solution; underdetermined: min-norm)
  std::vector<Real> r;        // m entries: b - A x (least squares); empty for square
  double ref_error = 1;       // estimated bound on ||x - x_exact||_2 / ||x_exact||_2
  bool converged = false;     // ref_error reached the target
  int iterations = 0;         // refinement steps (extra-precise residuals)
  int gmres_iterations = 0;   // products inside GMRES-IR, all steps together
  std::string method;         // e.g. "LU-IR: f64 LU (dgetrf) corrections, ..."
  std::string note;           // why it did not converge, when it did not
  double seconds = 0;
};

struct KappaResult {
  double kappa = arma::datum::nan;      // sigma_max / sigma_min of the stored matrix
  double sigma_max = arma::datum::nan;
  double sigma_min = arma::datum::nan;
  bool certified = false;               // within 1% (probability >= 1 - 1e-9); kappa is always a lower bound
  int products = 0;                     // Lanczos products with B^T B and with (B^T B)^{-1}, together
  bool refined_solves = false;          // (B^T B)^{-1} needed refined solves (kappa u too large for f64 ones)
  std::string method;
  double seconds = 0;
};

// The reference solution of the stored problem to relative error `target` (1e-6 * u of
// the working precision): refinement with extra-precise residuals from the float64
// factorization (LU-IR), GMRES-IR where that stalls, a float128 factorization only as the
// last resort (refine.hpp). kappa_hint: the measured 2-norm kappa of A when known; without
// it a LAPACK 1-norm estimate (times a safety factor) is used. The shape decides the
// problem: m == n solves A x = b, m > n least squares (r filled), m < n the min-norm
// solution. One call factorizes; ReferenceEngine (engine.hpp) shares one factorization
// between the reference and kappa.
ReferenceSolution reference_solution(const arma::mat& A, const arma::vec& b, ProblemKind kind, double target,
                                     double kappa_hint = std::numeric_limits<double>::quiet_NaN());

// 2-norm condition number of A (m x n, any shape: sigma_1 / sigma_min(m,n)) by Lanczos on
// B^T B and (B^T B)^{-1} (B = A or A^T), see kappa.cpp and docs/reference-and-kappa.md:
// kappa is a rigorous lower bound; certified = within 1% except with probability <= 1e-9.
KappaResult measure_kappa(const arma::mat& A, ProblemKind kind);

}  // namespace condbench::ref
