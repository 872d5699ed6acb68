// A generated problem, before it is stored in a working precision.
#pragma once

#include "solvers/solver.hpp"

#include <armadillo>

#include <cstdint>
#include <map>
#include <string>

namespace condbench {

struct Problem {
  std::string case_id;    // unique and stable; regenerates the problem with its seed
  std::string generator;  // "randsvd"
  std::string name;       // short problem name in the matgen-like grammar ("svd_geo", "spd_geo_ls")
  ProblemKind kind = ProblemKind::general;
  std::uint64_t seed = 0;

  // The generated data, in double. A float32 run rounds these to float first;
  // the reference is always for the rounded (stored) data.
  arma::mat A;       // m x n
  arma::vec b;       // m
  arma::vec x_true;  // n; empty when the generator does not know it
  double kappa_nominal = arma::datum::nan;  // what the generator aimed at (NaN if nothing)
  bool zero_residual = true;                // least squares: b is in range(A) as generated

  // parameters as resolved (defaults filled in), for output and for the case id
  std::map<std::string, std::string> params;
};

}  // namespace condbench
