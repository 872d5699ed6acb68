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
  int iterations = 0;
  std::string method;         // e.g. "IR: f64 LU correction, triple-double residual"
  std::string note;           // why it did not converge, when it did not
  double seconds = 0;
};

struct KappaResult {
  double kappa = arma::datum::nan;      // sigma_max / sigma_min of the stored matrix
  double sigma_max = arma::datum::nan;
  double sigma_min = arma::datum::nan;
  bool certified = false;               // accurate to 1% (false: could not be certified; kappa is then a lower bound)
  std::string method;
  double seconds = 0;
};

// target: the relative error the reference must reach (1e-6 * u of the working precision).
// kappa_hint: the measured 2-norm kappa of A when known (measure_kappa): it picks the
// correction solver (float128 once kappa * u_f64 > 0.01) and bounds the error floor;
// without it a LAPACK 1-norm estimate (times a safety factor) is used.
// The shape decides the problem: m == n solves A x = b, m > n least squares (r filled),
// m < n the min-norm solution.
ReferenceSolution reference_solution(const arma::mat& A, const arma::vec& b, ProblemKind kind, double target,
                                     double kappa_hint = std::numeric_limits<double>::quiet_NaN());

// 2-norm condition number of A (m x n, any shape: sigma_1 / sigma_min(m,n)).
// sigma_1 and, while max(m,n) u kappa <= 5e-3 (LAPACK's SVD error bound p(m,n) u sigma_1
// with p = max(m,n) then gives 0.5%), sigma_min from a values-only dgesvd; beyond, sigma_min
// by inverse iteration on (A^T A)^{-1} (or (A A^T)^{-1}) with refined solves, started from
// the double SVD's singular vector, certified once the Rayleigh quotient settles.
// Checked against 415-bit MPFR for exactly stored matrices up to kappa ~4e38
// (tests/reference/kappa_large_test.cpp). When the refined solves cannot converge (kappa
// past the float128 LU's reach ~1e32-1e34 for general matrices, or p q^2 > 3e8, n ~ 670,
// where no float128 factorization is affordable), certified = false and kappa is a LOWER
// bound (sigma_min <= dgesvd's sigma_min + max(m,n) u sigma_1), said so in method.
KappaResult measure_kappa(const arma::mat& A, ProblemKind kind);

}  // namespace condbench::ref
