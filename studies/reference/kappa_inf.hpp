// The infinity-norm condition number kappa_inf(A) = ||A||_inf ||A^-1||_inf of a square matrix as stored: the
// kappa of Carson & Higham's convergence bounds (the runner measures the 2-norm kappa). ||A^-1||_inf from the
// inverse in double while kappa_2 <= 1e11 (relative error about n u kappa_2 <= 1e-3), else from an LU and solves
// in double-double (solvers/lowprec: about 2^-104 per operation, so kappa u_dd <= 1e-11 up to kappa 1e20; ten
// times faster than float128). Infinity for an exactly singular matrix.
#pragma once

#include <armadillo>
#include <limits>

namespace condbench::ref {

// kappa2_hint: the measured 2-norm kappa when known (picks the precision); NaN: double-double.
double kappa_inf(const arma::mat& A, double kappa2_hint = std::numeric_limits<double>::quiet_NaN());

}  // namespace condbench::ref
