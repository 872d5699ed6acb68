// Modifiers any generator can apply to the problem it built (LAPACK-style hard cases and
// the lectures' perturbation experiment):
//
//   scale              number > 0 (multiply A and b), or near the under/overflow thresholds
//                      of LAPACK's test generator (dlatb4: SMALL = 0.25 * safmin / eps,
//                      LARGE = 1 / SMALL; eps = the relative machine precision 2^-52 / 2^-23):
//                        "ufl"   max|a_ij| near SMALL of float64  (~2.5e-293)
//                        "ofl"   max|a_ij| near LARGE of float64  (~4e292)
//                        "ufl32" max|a_ij| near SMALL of float32  (~2.5e-32)
//                        "ofl32" max|a_ij| near LARGE of float32  (~4e31)
//                      The named scales multiply A by a power of two, so an exactly stored
//                      matrix stays exactly stored (unless it reaches the subnormals); x_true
//                      is unchanged and b = A x_true is recomputed. A problem scaled for
//                      float64 and run in float32 rounds to zeros or infinities: the solvers
//                      must report it (that is part of the point).
//   zero_columns = k   columns j = n-k+1 .. n of A are set to zero (exactly singular square
//                      matrices, rank-deficient least squares), x_true(j) = 0 there, so
//                      x_true is the minimum-norm solution whenever the remaining columns
//                      have full rank.
//   perturb = eps      b <- b + eps ||b|| d, with ||d|| = 1, AFTER b = A x_true was formed:
//   perturb_direction  "worst": d = u_min, the left singular vector of sigma_min (of the
//                      double matrix, by LAPACK's SVD), the direction a bound like
//                      ||dx||/||x|| <= kappa ||db||/||b|| is tight for; "random": d uniform on
//                      the sphere (seeded). x_true stays the UNPERTURBED solution, so a row's
//                      error_vs_true / eps is the measured amplification of the perturbation.
//                      Use eps well above the working precision's u (b is rounded to it).
#pragma once

#include <armadillo>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "studies/generators/generator.hpp"
#include "studies/generators/params.hpp"

namespace condbench {

struct Modifiers {
  std::string scale_name = "";  // "", "ufl", "ofl", "ufl32", "ofl32"
  double scale = 1;             // a plain factor when scale_name is empty
  int zero_columns = 0;
  double perturb = 0;
  std::string perturb_direction = "worst";

  bool any_matrix() const { return !scale_name.empty() || scale != 1 || zero_columns > 0; }
};

// The parameter names and docs of the modifiers (append them to a generator's own).
const std::vector<std::string>& modifier_keys();
const std::vector<ParamDoc>& modifier_docs();

// Reads (and validates) the modifiers; n is the column count, for zero_columns <= n.
Modifiers read_modifiers(const ParamReader& p, int n);

// The resolved modifier parameters that differ from "no modification", for Problem.params.
void add_modifier_params(const Modifiers& mods, std::map<std::string, std::string>& out);

// The target max|a_ij| of a named scale (dlatb4's SMALL / LARGE for that precision).
double named_scale_target(const std::string& name);

// The factor A is multiplied by: for a named scale the power of two 2^k that puts
// max|a_ij| (maxabs) in [target/2, target); else mods.scale. 1 when maxabs is 0.
double scale_factor(const Modifiers& mods, double maxabs);

// Zeroes the last k columns of a column-major m x n array (any element type).
template <class T>
void zero_last_columns(T* a, int m, int n, int k) {
  for (int j = n - k; j < n; ++j)
    for (int i = 0; i < m; ++i) a[static_cast<std::size_t>(j) * m + i] = T(0);
}

// Zeroes x(j) for the zeroed columns.
void zero_x_entries(arma::vec& x, int k);

// b + eps ||b|| d (see above). Returns the perturbed b; sets *realized to ||b' - b|| / ||b||.
arma::vec perturb_rhs(const arma::mat& A, const arma::vec& b, const Modifiers& mods, std::uint64_t seed,
                      double* realized = nullptr);

}  // namespace condbench
