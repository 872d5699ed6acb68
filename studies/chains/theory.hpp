// Exact laws (and named limit laws) beside every chain measurement: shared/BACKPROP.md
// sections 1-3 and 6. psi is the digamma function, psi' the trigamma function (Boost.Math).
//
// Per layer, for a fixed unit vector v and W ~ N(0, s^2/d) (rotation invariance makes
// the layers' log-norms iid, so depth j has j times the mean and the variance):
//   linear:   ||W v||^2 = (s^2/d) chi2_d
//             E ln||W v|| = ln s + (ln(2/d) + psi(d/2))/2,  Var = psi'(d/2)/4
//   ReLU:     ||D W v||^2 = (s^2/d) chi2_K, K ~ Binomial(d, 1/2) live units (given K >= 1)
//   residual: ||(I + W) v||^2 = (s^2/d) chi2'_d(lambda = d/s^2), a Poisson(lambda/2)
//             mixture of chi2_{d+2J}
// Products (Newman 1986; Forrester 2013): Lyapunov exponents
//   lambda_i = (ln(2 s^2/d) + psi((d - i + 1)/2))/2, and for the QR sweep exactly
//   |R_k,ii|^2 ~ (s^2/d) chi2_{d-i+1}, independent over i and k (Bartlett).
// One Gaussian factor (Edelman 1988): kappa/n tends to the law with distribution
//   function exp(-2/x - 2/x^2).
// Spectrum of J J^T at infinite width (Pennington, Schoenholz & Ganguli 2017): variance
//   over squared mean j/p (Gaussian), j(1/p - 1) (orthogonal), p = 1 linear, 1/2 ReLU.
#pragma once

#include "studies/chains/chain_spec.hpp"

#include <cmath>
#include <string>

namespace condbench::chains {

struct Law {
  double mean = std::nan("");
  double var = std::nan("");
};

// Per layer, of ln||.|| (not squared).
Law linear_gaussian_log_norm(int d, double s);
Law relu_gaussian_log_norm(int d, double s);      // given at least one live unit
Law residual_gaussian_log_norm(int d, double s);  // I + W, W ~ N(0, s^2/d)

// lambda_i, i = 1..d, for factors N(0, s^2/d); and the law of one step's ln|R_ii|.
double lyapunov_exponent(int d, double s, int i);
Law qr_log_diagonal(int d, double s, int i);
// log10 kappa's growth per layer: (psi(d/2) - psi(1/2)) / (2 ln 10), whatever s.
double kappa_decades_per_layer(int d);

// Edelman's limit law of kappa of an n x n Gaussian matrix: median and P(kappa > x).
double edelman_median_kappa(int n);
double edelman_tail(int n, double x);

struct TheoryValue {
  double value = std::nan("");
  double sd = std::nan("");  // of ln(value) for norms and kappas of one matrix; of the value for qr_ln_*
  std::string note;          // which law, and whether it is exact, a limit or approximate
};

// The theory of a quantity at depth j (layer: for per-layer quantities) of a chain spec;
// NaN with an empty note where there is none.
TheoryValue theory_for(const ChainSpec& spec, int depth, const std::string& quantity);

}  // namespace condbench::chains
