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
  double residual_norm = arma::datum::nan;      // ||b - A xhat||_2 (RMSE of a regression fit = this / sqrt(m))
};

// What the metrics need from A, computed once per stored problem (an SVD per solve
// would cost more than most solves).
struct MatrixFacts {
  double norm2 = arma::datum::nan;  // ||A||_2 = sigma_max (dgesvd)
  double norm1 = arma::datum::nan;  // ||A||_1
  double norm_f = arma::datum::nan;  // ||A||_F (bounds the residual kernel's error)
  arma::vec sigma;  // least squares (m > n): singular values of A
  arma::mat V;      // least squares: right singular vectors (n x n)
  arma::mat At;     // least squares: A^T, for an extra-precise A^T r
};
MatrixFacts matrix_facts(const arma::mat& A);

// A, b: the stored problem (widened to double). xhat: the solver's answer (widened).
// u: unit roundoff of the working precision. x_true may be empty.
// The shape of A decides the formulas: m > n is least squares, m <= n uses Rigal-Gaches
// with ||A||_2 = sigma_max and Oettli-Prager. facts: from matrix_facts(A); computed here when null.
// Least squares backward error: the Karlson-Walden estimate (perturbations of A, Frobenius norm)
//   eta ~ ||(||x||^2 A^T A + ||r||^2 I)^{-1/2} A^T r||_2 / ||x||_2 = ||D V^T (A^T r)||_2 / ||x||_2,
//   D = diag((||x||^2 sigma_i^2 + ||r||^2)^{-1/2}), within sqrt(2) of the true backward error;
//   A^T r is computed in extended precision from the extended residual.
Metrics compute_metrics(const arma::mat& A, const arma::vec& b, const arma::vec& xhat, const ref::ReferenceSolution& ref,
                        ProblemKind kind, double u, const arma::vec& x_true, const MatrixFacts* facts = nullptr);

}  // namespace condbench
