// The tolerance model of condbench regress (README "Regression testing").
//
// Per group (solver x precision x family x kappa range) the baseline keeps the
// median over seeds of log10(forward_error / (u kappa)) and of log10(backward_error / u).
// u and kappa are divided out, so what remains is seed-independent up to the scatter
// of random problems, which the baseline measures. Now is worse than the baseline when
//
//   shift = max(now, floor) - max(base, floor)      (decades)
//   shift > tol = max(log10(min_factor), z * s * sqrt(1/N_base + 1/N_now))
//
// with s the seed spread (sample standard deviation of the log10 values) of the group,
// or of all groups of the solver and precision pooled if that is larger (two seeds
// say little about a spread), and floor the probabilistic rounding floor
// sqrt(n) * u (Higham & Mary 2019): below it no error is a regression. A group whose
// baseline already lost every digit (forward error >= saturation) is checked for
// failures only.
//
// Failures: with p the baseline's failure rate of the group, or the sporadic failure
// rate of the solver and precision if larger, k failures of N_now runs FAIL when
// P(X >= k | Binomial(N_now, p)) < failure_alpha. A solver that never failed in the
// baseline (p = 0) FAILs on its first failure; one that fails a few seeds at random
// (dsgesv's NaN past 1/u_f32) FAILs only when a group fails far more often.
#pragma once

#include <nlohmann/json.hpp>

namespace condbench::regress {

struct ToleranceModel {
  double min_factor = 4;     // a worsening under 4x is never a regression
  double z = 4;              // standard errors of the seed spread allowed
  double floor_sqrt_n = 1;   // errors below floor_sqrt_n * sqrt(n) * u are at the rounding floor
  double saturation = 0.1;   // baseline forward error at or above this: failures only
  double marginal = 0.5;     // a shift above marginal * tol (but within tol) is MARGINAL
  double failure_alpha = 1e-3;  // now's failures less likely than this under the baseline's rate: FAIL

  // Allowed worsening in decades for a seed spread sd and the two sample sizes.
  double tolerance_decades(double sd, int n_base, int n_now) const;
  // log10 of the rounding floor in the units of forward_error/(u kappa) or backward_error/u.
  double forward_floor(int n, double log10_kappa) const;
  double backward_floor(int n) const;
  // P(X >= k) for X ~ Binomial(n, p).
  static double binomial_tail(int k, int n, double p);
};

nlohmann::ordered_json to_json(const ToleranceModel& t);
// Reads a baseline's "tolerance" block; missing keys keep their defaults.
ToleranceModel tolerance_from_json(const nlohmann::ordered_json& j, const std::string& where);

}  // namespace condbench::regress
