// Accuracy metrics of one solve, against the reference of the stored problem.
// Residuals are computed in extended precision.
#pragma once

#include "studies/reference/reference.hpp"

#include <armadillo>

namespace condbench {

struct Metrics {
  double forward_error = arma::datum::nan;      // ||xhat - x*||_2 / ||x*||_2
  double forward_error_inf = arma::datum::nan;  // ||xhat - x*||_inf / ||x*||_inf
  double backward_error = arma::datum::nan;     // square/underdetermined: Rigal-Gaches
                                                // ||r|| / (||A|| ||xhat|| + ||b||) (2-norms);
                                                // least squares: Karlson-Walden estimate
  double componentwise_backward_error = arma::datum::nan;  // Oettli-Prager max_i |r_i| / (|A||xhat| + |b|)_i;
                                                           // NaN for least squares
  double residual_ratio = arma::datum::nan;     // LAPACK: ||b - A xhat||_1 / (||A||_1 ||xhat||_1 n u)
  double ls_residual_ratio = arma::datum::nan;  // least squares: ||A^T r||_1 / (||A||_1 alpha max(m,n) u)
  double error_vs_true = arma::datum::nan;      // ||xhat - x_true||_2 / ||x_true||_2 when x_true is known
};

// A, b: the stored problem (widened to double). xhat: the solver's answer (widened).
// u: unit roundoff of the working precision. x_true may be empty.
Metrics compute_metrics(const arma::mat& A, const arma::vec& b, const arma::vec& xhat, const ref::ReferenceSolution& ref,
                        ProblemKind kind, double u, const arma::vec& x_true);

}  // namespace condbench
