// High-precision reference solutions and condition numbers of STORED problems.
//
// Input is always the matrix and right-hand side exactly as the solver sees them
// (float data widened to double is exact). The reference never looks at a
// solver's output.
#pragma once

#include "solvers/solver.hpp"

#include <boost/multiprecision/cpp_bin_float.hpp>

#include <armadillo>

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
  bool certified = false;               // accurate to 1% (false: could not be certified)
  std::string method;
  double seconds = 0;
};

// target: the relative error the reference must reach (1e-6 * u of the working precision).
ReferenceSolution reference_solution(const arma::mat& A, const arma::vec& b, ProblemKind kind, double target);

// 2-norm condition number of A (m x n, any shape: sigma_1 / sigma_min(m,n)).
KappaResult measure_kappa(const arma::mat& A, ProblemKind kind);

}  // namespace condbench::ref
