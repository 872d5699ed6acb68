// The largest eigenvalue lambda_1 of a symmetric positive semidefinite operator G, given
// only its products, by Lanczos from a Gaussian start with full reorthogonalization,
// with a probabilistic upper bound that is checked after every step.
//
// The bound (a posteriori, in the spirit of Kuczynski & Wozniakowski 1994 and
// Hochstenbach 2013): let w ~ N(0, I_n), q_1 = w/||w||, and c_1 = u_1^T w ~ N(0, 1) its
// component along the top eigenvector. For every polynomial p, p(G) w has component
// p(lambda_1) c_1 along u_1, so |p(lambda_1)| |c_1| <= ||p(G) w||. The Lanczos
// polynomials psi_1 = 1, beta_j psi_{j+1}(x) = (x - alpha_j) psi_j(x) - beta_{j-1} psi_{j-1}(x)
// satisfy psi_j(G) q_1 = q_j (orthonormal), so the best such inequality over all
// polynomials of degree <= k is
//     |c_1| * S(lambda_1)^{1/2} <= ||w||,   S(x) = psi_1(x)^2 + ... + psi_{k+1}(x)^2.
// P(|c_1| < t) <= t sqrt(2/pi) = delta for t = delta sqrt(pi/2). So, except on an event of
// probability <= delta that does not depend on when we stop, lambda_1 <= the root of
// S(x) = (||w||/t)^2 above the largest Ritz value. The Ritz value theta_1 <= lambda_1 is the
// lower bound; once upper <= theta_1 / (1 - eps) lambda_1 is known to relative eps.
//
// Rounding: products with an error up to `op_error` * ||G|| (an LU solve at kappa * u...)
// are modelled by adding op_error * theta_1 to every alpha_j and beta_j before the bound is
// formed, which can only raise it. In exact arithmetic this is a theorem; in floating point
// it is the usual backward-stability model of Lanczos with full reorthogonalization.
//
// The a priori count (Kuczynski & Wozniakowski 1992, Thm 4.2): after k products from a
// random start, P(theta_1 < (1 - eps) lambda_1) <= 1.648 sqrt(n) exp(-sqrt(eps) (2k - 1)).
#pragma once

#include <armadillo>

#include <cstdint>
#include <functional>

namespace condbench::ref {

// Products k after which the a priori bound gives relative error eps with failure <= delta.
int kw_steps(arma::uword n, double eps, double delta);

class Lanczos {
 public:
  // out = G in (n doubles each).
  using Apply = std::function<void(const double* in, double* out)>;

  Lanczos(arma::uword n, int max_steps, std::uint64_t seed);
  void step(const Apply& apply);  // one product with G
  int steps() const { return k_; }
  // The Krylov space is invariant (beta ~ 0) or the whole space: theta is lambda_1 itself.
  bool exhausted() const { return exhausted_; }
  double theta() const { return theta_; }                    // largest Ritz value
  double upper(double delta, double op_error) const;         // the probabilistic bound above
  arma::vec ritz_vector() const;                             // unit vector of theta
  arma::vec start() const { return Q_.col(0) * wnorm_; }     // the Gaussian w itself

 private:
  arma::uword n_;
  int k_ = 0;
  arma::mat Q_;  // n x (max_steps + 1): q_1 .. q_{k+1}
  std::vector<double> alpha_, beta_;
  double wnorm_ = 0, theta_ = 0;
  bool exhausted_ = false;
};

}  // namespace condbench::ref
